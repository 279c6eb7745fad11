package sim

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// TraceFormat is the encoding of a trace: one event per line.
type TraceFormat uint8

const (
	// TraceText is "INSTANT kind key=value ...", the golden-file format.
	TraceText TraceFormat = iota
	// TraceCSV has a header and one column per field, empty where unset.
	TraceCSV
	// TraceJSONL has one JSON object per line with the fields that are set.
	TraceJSONL
)

// TraceFormatFor picks the format from a file name: .csv, .jsonl, or .trace,
// .txt and .log for text.
func TraceFormatFor(path string) (TraceFormat, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return TraceCSV, nil
	case ".jsonl":
		return TraceJSONL, nil
	case ".trace", ".txt", ".log":
		return TraceText, nil
	}
	return 0, fmt.Errorf("sim: trace %s: unknown extension %q (want .csv, .jsonl, .trace, .txt or .log)", path, filepath.Ext(path))
}

// A field is one column of a trace, declared once for every format: its
// name, its text ("" when unset for the event) and its value in a JSONL
// line, a string or a number, of which the zero is left out.
type field struct {
	name string
	get  func(e *Event) string
	json jsonValue
}

// A jsonValue is a field's value in a JSONL line: its Go type, and how to
// bind a slot of that type to the events it is filled from.
type jsonValue struct {
	typ  reflect.Type
	bind func(slot any) func(e *Event)
}

// jsonOf is the JSONL value that value reads of an event.
func jsonOf[T string | int | uint64 | float64](value func(e *Event) T) jsonValue {
	return jsonValue{reflect.TypeFor[T](), func(slot any) func(e *Event) {
		p := slot.(*T)
		return func(e *Event) { *p = value(e) }
	}}
}

// textField is a field that is a string in every format.
func textField(name string, get func(e *Event) string) field {
	return field{name, get, jsonOf(get)}
}

// countField is a field that counts from 1; 0 is unset.
func countField[N int | uint64](name string, get func(e *Event) N) field {
	return field{name, func(e *Event) string { return positive(uint64(get(e))) }, jsonOf(get)}
}

// secondsField is a duration field, in seconds; 0 is unset.
func secondsField(name string, get func(e *Event) time.Duration) field {
	return field{name, func(e *Event) string { return secondsText(get(e)) },
		jsonOf(func(e *Event) float64 { return get(e).Seconds() })}
}

// momentField is an instant field; the zero time is unset.
func momentField(name string, get func(e *Event) time.Time) field {
	return textField(name, func(e *Event) string { return instant(get(e)) })
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func secondsText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
}

func positive(n uint64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatUint(n, 10)
}

var fields = []field{
	textField("client", func(e *Event) string { return e.Client }),
	countField("request", func(e *Event) uint64 { return e.Request }),
	countField("attempt", func(e *Event) int { return e.Attempt }),
	countField("run", func(e *Event) uint64 { return e.Run }),
	textField("trigger", func(e *Event) string {
		if e.Kind == RunStarted || e.Kind == RunFinished {
			return e.Trigger.String()
		}
		return ""
	}),
	textField("operation", func(e *Event) string { return e.Operation.String() }),
	textField("status", func(e *Event) string {
		switch e.Kind {
		case RunFinished:
			return e.RunStatus.String()
		case OperationChanged:
			return e.OpStatus.String()
		}
		return ""
	}),
	textField("location", func(e *Event) string {
		if e.Kind == Accepted || e.Kind == Throttled && !e.Operation.IsZero() {
			return e.Operation.Location()
		}
		return ""
	}),
	momentField("nominal", func(e *Event) time.Time { return e.Nominal }),
	textField("reason", func(e *Event) string { return e.Reason.String() }),
	secondsField("retry_after_s", func(e *Event) time.Duration { return e.RetryAfter }),
	countField("polls", func(e *Event) int { return e.Polls }),
	momentField("cause", func(e *Event) time.Time { return e.Cause }),
	momentField("next", func(e *Event) time.Time { return e.Next }),
}

// jsonLine is the type of a JSONL line, built once from the field table:
// the columns of the CSV trace, in the same order, the time and kind
// always, the other fields left out where unset, numbers as numbers.
var jsonLine = func() reflect.Type {
	cols := []reflect.StructField{
		{Name: "Time", Type: reflect.TypeFor[string](), Tag: `json:"time"`},
		{Name: "Kind", Type: reflect.TypeFor[string](), Tag: `json:"kind"`},
	}
	for i, f := range fields {
		cols = append(cols, reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: f.json.typ,
			Tag: reflect.StructTag(fmt.Sprintf(`json:"%s,omitempty"`, f.name))})
	}
	return reflect.StructOf(cols)
}()

// AppendText appends the text line of e, without a newline: its trace
// line, or for a measurement event (which no trace holds) its change,
// slots, capacity and area.
func (e *Event) AppendText(b []byte) []byte {
	b = e.At.UTC().AppendFormat(b, time.RFC3339Nano)
	b = append(b, ' ')
	b = append(b, e.Kind.String()...)
	if e.Kind.Measurement() {
		b = append(b, " change="...)
		b = append(b, e.Change.String()...)
		b = append(b, " slots="...)
		b = strconv.AppendFloat(b, e.Slots, 'g', -1, 64)
		b = append(b, " capacity="...)
		b = strconv.AppendInt(b, int64(e.Capacity), 10)
		b = append(b, " area_s="...)
		return strconv.AppendFloat(b, e.Area, 'g', -1, 64)
	}
	for _, f := range fields {
		if v := f.get(e); v != "" {
			b = append(b, ' ')
			b = append(b, f.name...)
			b = append(b, '=')
			b = appendTextValue(b, v)
		}
	}
	return b
}

// appendTextValue appends a value of a text line as it is when it is one
// plain word, else as a Go-quoted string ("a b", "a\nb"), so that no
// value (a client name built in Go may hold anything) can end the line,
// split a field or forge another.
func appendTextValue(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c == '"' || c == '=' || c == '\\' || c >= 0x7f {
			return strconv.AppendQuote(b, v)
		}
	}
	return append(b, v...)
}

func (e *Event) String() string { return string(e.AppendText(nil)) }

// TraceWriter is an Observer that writes every trace event to w in a
// format; measurement events (SlotsChanged) are left out, so a trace is
// the same whatever the engine measures. Write errors are kept: the first
// one is returned by Flush, and nothing more is written after it.
type TraceWriter struct {
	w      *bufio.Writer
	csv    *csv.Writer
	format TraceFormat
	buf    []byte
	record []string
	json   *json.Encoder // JSONL: encoding/json quotes every string
	line   any           // JSONL: a *jsonLine, filled by fill
	fill   []func(e *Event)
	err    error
}

// NewTraceWriter returns a TraceWriter; call Flush when the run is over.
func NewTraceWriter(w io.Writer, format TraceFormat) *TraceWriter {
	t := &TraceWriter{w: bufio.NewWriterSize(w, 64<<10), format: format}
	if format == TraceCSV {
		t.csv = csv.NewWriter(t.w)
		t.record = make([]string, 0, len(fields)+2)
		t.record = append(t.record, "time", "kind")
		for _, f := range fields {
			t.record = append(t.record, f.name)
		}
		t.err = t.csv.Write(t.record)
	}
	if format == TraceJSONL {
		t.json = json.NewEncoder(t.w)
		t.json.SetEscapeHTML(false)
		line := reflect.New(jsonLine).Elem()
		t.line = line.Addr().Interface()
		t.fill = append(t.fill,
			jsonOf(func(e *Event) string { return instant(e.At) }).bind(line.Field(0).Addr().Interface()),
			jsonOf(func(e *Event) string { return e.Kind.String() }).bind(line.Field(1).Addr().Interface()))
		for i, f := range fields {
			t.fill = append(t.fill, f.json.bind(line.Field(i+2).Addr().Interface()))
		}
	}
	return t
}

// Observe implements Observer.
func (t *TraceWriter) Observe(e *Event) {
	if t.err != nil || e.Kind.Measurement() {
		return
	}
	switch t.format {
	case TraceCSV:
		t.record = append(t.record[:0], instant(e.At), e.Kind.String())
		for _, f := range fields {
			t.record = append(t.record, f.get(e))
		}
		t.err = t.csv.Write(t.record)
		return
	case TraceJSONL:
		for _, fill := range t.fill {
			fill(e)
		}
		t.err = t.json.Encode(t.line)
		return
	default:
		t.buf = append(e.AppendText(t.buf[:0]), '\n')
	}
	_, t.err = t.w.Write(t.buf)
}

// Flush writes out what is buffered and returns the first error met.
func (t *TraceWriter) Flush() error {
	if t.csv != nil && t.err == nil {
		t.csv.Flush()
		t.err = t.csv.Error()
	}
	if t.err == nil {
		t.err = t.w.Flush()
	}
	return t.err
}

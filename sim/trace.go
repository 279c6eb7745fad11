package sim

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
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

// A field is one column of a trace.
type field struct {
	name string
	get  func(e *Event) string // "" when unset for this event
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
	{"client", func(e *Event) string { return e.Client }},
	{"request", func(e *Event) string { return positive(e.Request) }},
	{"attempt", func(e *Event) string { return positive(uint64(e.Attempt)) }},
	{"run", func(e *Event) string { return positive(e.Run) }},
	{"trigger", func(e *Event) string {
		if e.Kind == RunStarted || e.Kind == RunFinished {
			return e.Trigger.String()
		}
		return ""
	}},
	{"operation", func(e *Event) string { return e.Operation.String() }},
	{"status", func(e *Event) string {
		switch e.Kind {
		case RunFinished:
			return e.RunStatus.String()
		case OperationChanged:
			return e.OpStatus.String()
		}
		return ""
	}},
	{"location", func(e *Event) string {
		if e.Kind == Accepted || e.Kind == Throttled && !e.Operation.IsZero() {
			return e.Operation.Location()
		}
		return ""
	}},
	{"nominal", func(e *Event) string { return instant(e.Nominal) }},
	{"reason", func(e *Event) string { return e.Reason.String() }},
	{"retry_after_s", func(e *Event) string { return secondsText(e.RetryAfter) }},
	{"polls", func(e *Event) string { return positive(uint64(e.Polls)) }},
	{"cause", func(e *Event) string { return instant(e.Cause) }},
	{"next", func(e *Event) string { return instant(e.Next) }},
}

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
	line   jsonLine
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
		t.err = t.json.Encode(t.jsonEvent(e))
		return
	default:
		t.buf = append(e.AppendText(t.buf[:0]), '\n')
	}
	_, t.err = t.w.Write(t.buf)
}

// jsonLine is one line of a JSONL trace: the columns of the CSV trace, in
// the same order, with the unset ones left out and numbers as numbers.
type jsonLine struct {
	Time        string  `json:"time"`
	Kind        string  `json:"kind"`
	Client      string  `json:"client,omitempty"`
	Request     uint64  `json:"request,omitempty"`
	Attempt     int     `json:"attempt,omitempty"`
	Run         uint64  `json:"run,omitempty"`
	Trigger     string  `json:"trigger,omitempty"`
	Operation   string  `json:"operation,omitempty"`
	Status      string  `json:"status,omitempty"`
	Location    string  `json:"location,omitempty"`
	Nominal     string  `json:"nominal,omitempty"`
	Reason      string  `json:"reason,omitempty"`
	RetryAfterS float64 `json:"retry_after_s,omitempty"`
	Polls       int     `json:"polls,omitempty"`
	Cause       string  `json:"cause,omitempty"`
	Next        string  `json:"next,omitempty"`
}

// jsonEvent fills the writer's line with e, through the same field table
// as the text and CSV traces.
func (t *TraceWriter) jsonEvent(e *Event) *jsonLine {
	l := &t.line
	*l = jsonLine{Time: instant(e.At), Kind: e.Kind.String(), Request: e.Request, Attempt: e.Attempt, Run: e.Run,
		RetryAfterS: e.RetryAfter.Seconds(), Polls: e.Polls}
	for _, f := range fields {
		switch f.name {
		case "client":
			l.Client = f.get(e)
		case "trigger":
			l.Trigger = f.get(e)
		case "operation":
			l.Operation = f.get(e)
		case "status":
			l.Status = f.get(e)
		case "location":
			l.Location = f.get(e)
		case "nominal":
			l.Nominal = f.get(e)
		case "reason":
			l.Reason = f.get(e)
		case "cause":
			l.Cause = f.get(e)
		case "next":
			l.Next = f.get(e)
		}
	}
	return l
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

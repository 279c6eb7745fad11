package fit

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"runsim/sim"
)

// A Request is one start request of the user's log and what the service
// answered it.
type Request struct {
	Line       int       // its line in the file
	Time       time.Time // when it was sent
	Status     int       // 202, 409 or 429
	RetryAfter int       // whole seconds; -1: none
	Client     string    // "" when the log has no client column
	Operation  string    // the Location of a 202, when the log has it
}

// A Run is one run as GET /external/industryData/runs returned it.
type Run struct {
	Line   int
	ID     string
	Start  time.Time
	End    time.Time // zero while running
	Status sim.RunStatus
}

// Running reports whether the run had not finished when it was listed.
func (r Run) Running() bool { return r.End.IsZero() }

// Log is what the service was asked and answered: the requests, oldest
// first, and the runs, by start.
type Log struct {
	Requests []Request
	Runs     []Run
	// Until is when the runs were listed: the end of what was observed.
	// Zero: the last request, run start or run end.
	Until time.Time
}

// An InputError is bad input at a line of a file.
type InputError struct {
	File string
	Line int
	Msg  string
}

func (e *InputError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// MaxRecords bounds the requests and the runs of a log.
const MaxRecords = 100_000

// ReadRequests reads a CSV request log: a header naming the columns time
// (RFC 3339), status (202, 409 or 429), retry_after (whole seconds, may be
// empty), and optionally client and operation (the Location of a 202).
// name is used in errors.
func ReadRequests(name string, r io.Reader) ([]Request, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	bad := func(line int, format string, args ...any) error {
		return &InputError{File: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, bad(1, "empty: want a header with the columns time, status, retry_after (and optionally client)")
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		switch h {
		case "time", "status", "retry_after", "client", "operation":
			if _, dup := col[h]; dup {
				return nil, bad(1, "column %s is named twice", h)
			}
			col[h] = i
		default:
			return nil, bad(1, "unknown column %q (known: time, status, retry_after, client, operation)", h)
		}
	}
	for _, need := range []string{"time", "status"} {
		if _, ok := col[need]; !ok {
			return nil, bad(1, "no %s column: want a header with the columns time, status, retry_after (and optionally client)", need)
		}
	}
	field := func(rec []string, c string) string {
		if i, ok := col[c]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []Request
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, bad(line, "%d fields, the header has %d", len(rec), len(header))
		}
		if len(out) == MaxRecords {
			return nil, bad(line, "more than %d requests", MaxRecords)
		}
		q := Request{Line: line, RetryAfter: -1, Client: field(rec, "client"), Operation: field(rec, "operation")}
		if q.Time, err = time.Parse(time.RFC3339Nano, field(rec, "time")); err != nil {
			return nil, bad(line, "time %q is not RFC 3339, e.g. 2025-01-06T05:00:00Z", field(rec, "time"))
		}
		switch s := field(rec, "status"); s {
		case "202", "409", "429":
			q.Status, _ = strconv.Atoi(s)
		default:
			return nil, bad(line, "status %q: want 202, 409 or 429", s)
		}
		if s := field(rec, "retry_after"); s != "" {
			f, err := strconv.ParseFloat(s, 64)
			if err != nil || f < 0 || f > 100*365*24*3600 {
				return nil, bad(line, "retry_after %q: want whole seconds >= 0, or nothing", s)
			}
			if q.Status != 429 {
				return nil, bad(line, "retry_after %q on a %d: only a 429 carries one", s, q.Status)
			}
			q.RetryAfter = int(f)
			if float64(q.RetryAfter) < f {
				q.RetryAfter++ // a fractional Retry-After, rounded up as clients wait it
			}
		}
		out = append(out, q)
	}
	if len(out) == 0 {
		return nil, bad(0, "no requests after the header")
	}
	slices.SortStableFunc(out, func(a, b Request) int { return a.Time.Compare(b.Time) })
	return out, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &InputError{File: name, Line: pe.Line, Msg: pe.Err.Error()}
	}
	return &InputError{File: name, Msg: err.Error()}
}

// runJSON is industryDataRun as Graph returns it.
type runJSON struct {
	ID            string          `json:"id"`
	StartDateTime *time.Time      `json:"startDateTime"`
	EndDateTime   *time.Time      `json:"endDateTime"`
	Status        string          `json:"status"`
	Rest          json.RawMessage `json:"-"`
}

// ReadRuns reads the JSON of GET /external/industryData/runs as the
// service returned it: one page ({"value": [...]}), several pages one
// after the other, or an array of pages. Runs listed twice (by id) are
// kept once. name is used in errors.
func ReadRuns(name string, data []byte) ([]Run, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(int(off), len(data))], []byte("\n")) }
	bad := func(off int64, format string, args ...any) error {
		return &InputError{File: name, Line: lineAt(off), Msg: fmt.Sprintf(format, args...)}
	}
	jsonErr := func(err error) error {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return bad(se.Offset, "%v", err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return bad(te.Offset, "%s: want %s, got a JSON %s", te.Field, te.Type, te.Value)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return bad(int64(len(data)), "the JSON ends early")
		}
		return bad(dec.InputOffset(), "%v", err)
	}
	var runs []Run
	seen := map[string]bool{}
	var page func() error
	page = func() error {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return jsonErr(err)
		}
		if tok == json.Delim('[') { // an array of pages
			for dec.More() {
				if err := page(); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			return err
		}
		if tok != json.Delim('{') {
			return bad(off, "want the runs as Graph lists them: {\"value\": [...]}")
		}
		hasValue := false
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return jsonErr(err)
			}
			if k != "value" {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return jsonErr(err)
				}
				continue
			}
			hasValue = true
			voff := dec.InputOffset()
			if t, err := dec.Token(); err != nil {
				return jsonErr(err)
			} else if t != json.Delim('[') {
				return bad(voff, "value: want an array of runs")
			}
			for dec.More() {
				roff := dec.InputOffset()
				var rj runJSON
				if err := dec.Decode(&rj); err != nil {
					return jsonErr(err)
				}
				line := lineAt(roff) + leadingNewlines(data[roff:])
				r, err := rj.run(line)
				if err != nil {
					return &InputError{File: name, Line: line, Msg: err.Error()}
				}
				if r.ID != "" && seen[r.ID] {
					continue
				}
				seen[r.ID] = true
				if len(runs) == MaxRecords {
					return &InputError{File: name, Line: line, Msg: fmt.Sprintf("more than %d runs", MaxRecords)}
				}
				runs = append(runs, r)
			}
			if _, err := dec.Token(); err != nil {
				return jsonErr(err)
			}
		}
		if _, err := dec.Token(); err != nil {
			return jsonErr(err)
		}
		if !hasValue {
			return bad(off, "no value array: want the runs as Graph lists them: {\"value\": [...]}")
		}
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &InputError{File: name, Line: 1, Msg: "empty: want the JSON of GET /external/industryData/runs"}
	}
	dec = json.NewDecoder(bytes.NewReader(data))
	for {
		if err := page(); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, err
		}
		if !dec.More() {
			if _, err := dec.Token(); err != io.EOF {
				return nil, bad(dec.InputOffset(), "unexpected text after the runs")
			}
			break
		}
	}
	slices.SortStableFunc(runs, func(a, b Run) int { return a.Start.Compare(b.Start) })
	return runs, nil
}

// leadingNewlines counts the line breaks before the first non-blank byte
// of b (and its separating comma).
func leadingNewlines(b []byte) int {
	n := 0
	for _, c := range b {
		switch c {
		case '\n':
			n++
		case ' ', '\t', '\r', ',':
		default:
			return n
		}
	}
	return n
}

func (rj runJSON) run(line int) (Run, error) {
	r := Run{Line: line, ID: rj.ID}
	if rj.StartDateTime == nil {
		return r, errors.New("a run without startDateTime")
	}
	r.Start = rj.StartDateTime.UTC()
	st, ok := sim.ParseRunStatus(rj.Status)
	if !ok {
		return r, fmt.Errorf("run %s: unknown status %q (known: running, completed, completedWithErrors, completedWithWarnings, failed)", rj.ID, rj.Status)
	}
	r.Status = st
	if rj.EndDateTime != nil {
		r.End = rj.EndDateTime.UTC()
		if r.End.Before(r.Start) {
			return r, fmt.Errorf("run %s ends (%s) before it starts (%s)", rj.ID, r.End.Format(time.RFC3339), r.Start.Format(time.RFC3339))
		}
	}
	if rj.EndDateTime == nil && rj.Status != "running" {
		return r, fmt.Errorf("run %s has status %s but no endDateTime", rj.ID, rj.Status)
	}
	return r, nil
}

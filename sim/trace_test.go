package sim

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// busy is two days of the documented rules with a client whose requests
// are throttled, conflict and retry, so that every field of a trace is
// set somewhere.
func busy(name string) Config {
	cfg := documented(48 * time.Hour)
	cfg.Clients = []Client{{Name: name, Arrivals: Periodic{First: at(30 * time.Minute), Every: 40 * time.Minute},
		OnThrottle: Retry{Kind: AfterRetryAfter, MaxAttempts: 2}, OnConflict: Retry{Kind: AfterDelay, Delay: 20 * time.Minute, MaxAttempts: 2},
		Poll: 10 * time.Minute}}
	return cfg
}

// TestJSONLIsJSON: names with quotes, backslashes and control characters
// give JSONL lines that decode to the same name.
func TestJSONLIsJSON(t *testing.T) {
	for _, name := range []string{"a\x7fb\"c", "tab\there", `back\slash`, "nul\x00", "<html>&amp;", "ünï\u2028code"} {
		t.Run(strconv.Quote(name), func(t *testing.T) {
			lines := strings.Split(strings.TrimSuffix(string(traceOf(t, busy(name), TraceJSONL)), "\n"), "\n")
			clients := 0
			for i, l := range lines {
				var ev map[string]any
				require.NoError(t, json.Unmarshal([]byte(l), &ev), "line %d: %s", i+1, l)
				if c, ok := ev["client"]; ok {
					assert.Equal(t, name, c)
					clients++
				}
			}
			assert.Positive(t, clients)
		})
	}
}

// TestJSONLAgreesWithCSV: each JSONL line has exactly the CSV row's
// non-empty cells, in the CSV's column order, numbers as numbers.
func TestJSONLAgreesWithCSV(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(traceOf(t, busy("admin"), TraceCSV))).ReadAll()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(traceOf(t, busy("admin"), TraceJSONL)), "\n"), "\n")
	require.Len(t, lines, len(rows)-1)
	header, seen := rows[0], map[string]bool{}
	for i, l := range lines {
		dec := json.NewDecoder(strings.NewReader(l))
		dec.UseNumber()
		var ev map[string]any
		require.NoError(t, dec.Decode(&ev))
		var want, got []string
		for j, col := range header {
			if rows[i+1][j] == "" {
				continue
			}
			want = append(want, col+"="+rows[i+1][j])
			seen[col] = true
			switch v := ev[col].(type) {
			case json.Number:
				got = append(got, col+"="+v.String())
			case string:
				got = append(got, col+"="+v)
			}
		}
		assert.Equal(t, want, got, "line %d", i+1)
		assert.Len(t, ev, len(want), "line %d: no field beyond the CSV's", i+1)
		if i == 0 {
			assert.True(t, strings.HasPrefix(l, `{"time":`), "time first")
		}
	}
	for _, col := range []string{"client", "request", "attempt", "run", "trigger", "operation", "status", "location", "nominal", "reason", "retry_after_s", "polls", "cause", "next"} {
		assert.True(t, seen[col], "the trace sets %s somewhere", col)
	}
}

// TestTextTraceQuotesOddNames: a client name that is not one plain word is
// written Go-quoted in a text trace, so that it can neither end the line
// nor forge a field or a line; a plain one is written as it is.
func TestTextTraceQuotesOddNames(t *testing.T) {
	tests := []struct {
		name, client, want string
	}{
		{name: "plain", client: "admin", want: "client=admin"},
		{name: "a newline forging a line", client: "x\n2025-01-06T00:00:00Z run-started run=9", want: `client="x\n2025-01-06T00:00:00Z run-started run=9"`},
		{name: "a space forging a field", client: "x run=9", want: `client="x run=9"`},
		{name: "a quote", client: `a"b`, want: `client="a\"b"`},
		{name: "a carriage return", client: "a\rb", want: `client="a\rb"`},
		{name: "a backslash", client: `a\b`, want: `client="a\\b"`},
		{name: "printable unicode", client: "café", want: `client="café"`},
		{name: "invalid UTF-8", client: "a\xffb", want: `client="a\xffb"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := Event{At: t0, Kind: RequestArrived, Client: tc.client, Request: 1, Attempt: 1}
			line := e.String()
			assert.Equal(t, "2025-01-06T00:00:00Z request-arrived "+tc.want+" request=1 attempt=1", line)
			assert.NotContains(t, line, "\n")
			assert.NotContains(t, line, "\r")
			v := strings.TrimPrefix(tc.want, "client=")
			if strings.HasPrefix(v, `"`) {
				got, err := strconv.Unquote(v)
				require.NoError(t, err)
				assert.Equal(t, tc.client, got, "the quoted name reads back")
			}
		})
	}
}

// TestTextTraceOneLinePerEvent: a run with a client whose name holds a
// newline writes exactly one line per event.
func TestTextTraceOneLinePerEvent(t *testing.T) {
	cfg := Config{Start: t0, End: t0.Add(2 * time.Hour), Runs: Drawn{Duration: Constant(time.Minute), Outcomes: []Outcome{{Status: Completed, P: 1}}},
		Clients: []Client{{Name: "evil\n2025-01-06T00:00:00Z run-started", Arrivals: At{t0.Add(time.Minute)}}}}
	trace := string(traceOf(t, cfg, TraceText))
	lines := strings.Split(strings.TrimSuffix(trace, "\n"), "\n")
	assert.NotEmpty(t, lines)
	for _, l := range lines {
		assert.Regexp(t, `^2025-01-06T\d\d:\d\d:\d\dZ [a-z-]+( |$)`, l)
	}
	assert.NotContains(t, trace, "\n2025-01-06T00:00:00Z run-started request=", "no forged line")
	assert.Contains(t, trace, `client="evil\n2025-01-06T00:00:00Z run-started" request=1`)
}

// TestTracesLeaveMeasurementsOut: no trace format holds a SlotsChanged
// event, and Result.Events counts trace events only.
func TestTracesLeaveMeasurementsOut(t *testing.T) {
	cfg := randomScenario(3)
	rec := run(t, cfg)
	require.NotEmpty(t, rec.slots)
	for _, f := range []struct {
		format TraceFormat
		header int
	}{{TraceText, 0}, {TraceCSV, 1}, {TraceJSONL, 0}} {
		var res Result
		trace := string(traced(t, f.format, func(o Observer) {
			var err error
			res, err = Run(cfg, o)
			require.NoError(t, err)
		}))
		assert.NotContains(t, trace, "slots")
		assert.Equal(t, int(res.Events)+f.header, strings.Count(trace, "\n"))
		assert.Equal(t, uint64(len(rec.events)), res.Events)
	}
	_, ok := ParseKind("slots-changed")
	assert.False(t, ok, "not a trace kind")
	assert.NotContains(t, Kinds(), SlotsChanged)
	e := Event{At: t0, Kind: SlotsChanged, Change: SlotFreed, Capacity: 5, Slots: 2, Area: 3600.5}
	assert.Equal(t, "2025-01-06T00:00:00Z slots-changed change=freed slots=2 capacity=5 area_s=3600.5", e.String())
}

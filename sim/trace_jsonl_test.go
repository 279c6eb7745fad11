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

// traceOf writes the trace of cfg in a format.
func traceOf(t *testing.T, cfg Config, format TraceFormat) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := NewTraceWriter(&buf, format)
	_, err := Run(cfg, tw)
	require.NoError(t, err)
	require.NoError(t, tw.Flush())
	return buf.Bytes()
}

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

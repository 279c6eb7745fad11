package sim

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTextTraceQuotesOddNames: a client name that is not one plain word is
// written Go-quoted in a text trace, so that it can neither end the line
// nor forge a field or a line; a plain one is written as it is.
func TestTextTraceQuotesOddNames(t *testing.T) {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
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
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	cfg := Config{Start: t0, End: t0.Add(2 * time.Hour), Runs: Drawn{Duration: Constant(time.Minute), Outcomes: []Outcome{{Status: Completed, P: 1}}},
		Clients: []Client{{Name: "evil\n2025-01-06T00:00:00Z run-started", Arrivals: At{t0.Add(time.Minute)}}}}
	var buf bytes.Buffer
	tw := NewTraceWriter(&buf, TraceText)
	_, err := Run(cfg, tw)
	require.NoError(t, err)
	require.NoError(t, tw.Flush())
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	assert.NotEmpty(t, lines)
	for _, l := range lines {
		assert.Regexp(t, `^2025-01-06T\d\d:\d\d:\d\dZ [a-z-]+( |$)`, l)
	}
	assert.NotContains(t, buf.String(), "\n2025-01-06T00:00:00Z run-started request=", "no forged line")
	assert.Contains(t, buf.String(), `client="evil\n2025-01-06T00:00:00Z run-started" request=1`)
}

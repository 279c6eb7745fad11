package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The kiota preset: a Retry-After under its 100 s budget is waited (in
// whole seconds, rounded up) and retried; one past it is given up at once,
// as the middleware's client times out; 409 is never retried.
func TestKiotaPreset(t *testing.T) {
	cfg := documented(24 * time.Hour)
	cfg.Schedule = nil
	cfg.Runs = Drawn{Duration: Constant(10 * time.Minute), Outcomes: []Outcome{{Completed, 1}}}
	cfg.Clients = []Client{{Name: "sdk", OnThrottle: KiotaHTTPGo(), OnConflict: KiotaHTTPGo(), Arrivals: At{
		at(0), at(time.Hour), at(2 * time.Hour), at(3 * time.Hour), at(4 * time.Hour),
		at(5 * time.Hour), // 429, 7 h: given up
		at(12*time.Hour - 49*time.Second - 500*time.Millisecond), // 429, 49.5 s: retried 50 s later
		at(12*time.Hour + 5*time.Minute),                         // 409: given up
	}}}
	var got []string
	for _, e := range run(t, cfg).events {
		switch e.Kind {
		case Throttled, Conflict, GaveUp, RetryScheduled, Accepted:
			if e.At.After(at(4 * time.Hour)) {
				got = append(got, brief(e))
			}
		}
	}
	assert.Equal(t, []string{
		"5h throttled sdk r6 a1 retry-after=7h",
		"5h gave-up sdk r6 a1",
		"11h59m10s500ms throttled sdk r7 a1 retry-after=49s500ms",
		"11h59m10s500ms retry-scheduled sdk r7 a2 at 12h500ms",
		"12h500ms accepted sdk r7 a2",
		"12h5m conflict sdk r8 a1",
		"12h5m gave-up sdk r8 a1",
	}, got)
	assert.Contains(t, KiotaHTTPGo().String(), "never retries 409")
}

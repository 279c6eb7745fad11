package policy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The fixtures the tests of this package share.

// t0 is the instant every table hangs off: Monday 2025-01-06 00:00 UTC.
var t0 = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

// step is one call on a throttle in a table: start/fail/succeed/attempt
// change it, check asks it.
type step struct {
	op        string // "start", "fail", "succeed", "attempt", "check"
	at        time.Duration
	run       uint64
	wantAllow bool          // for "check"
	wantRA    time.Duration // for "check"
}

func play(t *testing.T, th *Throttle, steps []step) {
	t.Helper()
	for i, st := range steps {
		switch st.op {
		case "start":
			th.Started(at(st.at), st.run, false)
		case "attempt":
			th.Attempt(at(st.at))
		case "fail", "succeed":
			th.Finished(at(st.at), st.run, st.op == "succeed")
		case "check":
			assert.Equal(t, Verdict{Allow: st.wantAllow, RetryAfter: st.wantRA}, th.Check(at(st.at)), "step %d at %s", i, st.at)
		default:
			t.Fatalf("bad op %q", st.op)
		}
	}
}

func hourly(n int) []step {
	var s []step
	for i := range n {
		s = append(s, step{op: "start", at: time.Duration(i) * time.Hour, run: uint64(i + 1)})
	}
	return s
}

func burst5() []step {
	return []step{{op: "start", at: 0, run: 1}, {op: "start", at: 0, run: 2}, {op: "start", at: 0, run: 3},
		{op: "start", at: 0, run: 4}, {op: "start", at: 0, run: 5}}
}

// burstThenOneEvery144m: five starts at once empty a bucket of 5 per 12h;
// the next slot comes 2h24m later, not a millisecond sooner.
func burstThenOneEvery144m() []step {
	return append(burst5(),
		step{op: "check", at: 0, wantRA: 144 * time.Minute},
		step{op: "check", at: 144*time.Minute - time.Millisecond, wantRA: time.Millisecond},
		step{op: "check", at: 144 * time.Minute, wantAllow: true})
}

func sliding(limit int) Limiter { l, _ := NewSlidingLog(limit, 12*time.Hour); return l }
func fixed(limit int) Limiter   { l, _ := NewFixedWindow(limit, 12*time.Hour, at(2*time.Hour)); return l }
func bucket(limit int) Limiter  { l, _ := NewTokenBucket(limit, 12*time.Hour, limit); return l }
func gcra(limit int) Limiter    { l, _ := NewGCRA(limit, 12*time.Hour, limit); return l }
func none(int) Limiter          { return Unlimited{} }

// documentedReading is a throttle of newLimiter(limit) under the documented
// reading: successful runs count, a run in progress holds its slot, a
// refusal says when to retry; the function returned builds it afresh.
func documentedReading(newLimiter func(int) Limiter, limit int) func() (*Throttle, error) {
	return func() (*Throttle, error) { return NewThrottle(newLimiter(limit), CountSuccessful, true, true) }
}

// reading is a throttle of a sliding log of 2 per 12h under a reading of
// what counts, whether a run in progress holds a slot, and whether a
// refusal says when to retry; the function returned builds it afresh.
func reading(counts Counting, reserve, retryAfter bool) func() (*Throttle, error) {
	return func() (*Throttle, error) { return NewThrottle(sliding(2), counts, reserve, retryAfter) }
}

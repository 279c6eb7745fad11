package policy

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// t0 is the instant every table hangs off: Monday 2025-01-06 00:00 UTC.
var t0 = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func TestEveryNext(t *testing.T) {
	s := Every{Period: 12 * time.Hour, Anchor: at(2 * time.Hour)}
	require.NoError(t, s.Validate())
	tests := []struct {
		name string
		t    time.Time
		want time.Time
	}{
		{name: "before anchor", t: t0, want: at(2 * time.Hour)},
		{name: "on anchor", t: at(2 * time.Hour), want: at(2 * time.Hour)},
		{name: "just after anchor", t: at(2*time.Hour + time.Millisecond), want: at(14 * time.Hour)},
		{name: "between grid points", t: at(20 * time.Hour), want: at(26 * time.Hour)},
		{name: "long before anchor", t: at(-25 * time.Hour), want: at(-22 * time.Hour)},
		{name: "exactly a period before anchor", t: at(-10 * time.Hour), want: at(-10 * time.Hour)},
		{name: "centuries later", t: time.Date(2525, 1, 6, 1, 0, 0, 0, time.UTC), want: time.Date(2525, 1, 6, 2, 0, 0, 0, time.UTC)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, s.Next(tc.t))
		})
	}
	assert.Error(t, Every{}.Validate())
	assert.Equal(t, "every 12h from 2025-01-06T02:00:00Z", s.String())
}

func TestSlidingLog(t *testing.T) {
	type step struct {
		op        string // "record", "fail", "succeed"
		at        time.Duration
		run       uint64
		wantAllow bool          // for "check"
		wantRA    time.Duration // for "check"
	}
	tests := []struct {
		name   string
		limit  int
		counts Counting
		steps  []step
	}{
		{
			name: "five starts fill the window, the sixth waits for the first to expire", limit: 5,
			steps: []step{
				{op: "record", at: 0, run: 1}, {op: "record", at: 1 * time.Hour, run: 2},
				{op: "record", at: 2 * time.Hour, run: 3}, {op: "record", at: 3 * time.Hour, run: 4},
				{op: "check", at: 3 * time.Hour, wantAllow: true},
				{op: "record", at: 4 * time.Hour, run: 5},
				{op: "check", at: 4 * time.Hour, wantRA: 8 * time.Hour},
				{op: "check", at: 12*time.Hour - time.Second, wantRA: time.Second},
				{op: "check", at: 12 * time.Hour, wantAllow: true},
			},
		},
		{
			name: "a failed run gives its slot back", limit: 2,
			steps: []step{
				{op: "record", at: 0, run: 1}, {op: "record", at: time.Hour, run: 2},
				{op: "check", at: 2 * time.Hour, wantRA: 10 * time.Hour},
				{op: "fail", at: 2 * time.Hour, run: 1},
				{op: "check", at: 2 * time.Hour, wantAllow: true},
			},
		},
		{
			name: "a successful run keeps its slot", limit: 2,
			steps: []step{
				{op: "record", at: 0, run: 1}, {op: "record", at: time.Hour, run: 2},
				{op: "succeed", at: 2 * time.Hour, run: 1},
				{op: "check", at: 2 * time.Hour, wantRA: 10 * time.Hour},
			},
		},
		{
			name: "counting started runs, a failed run keeps its slot", limit: 2, counts: CountStarted,
			steps: []step{
				{op: "record", at: 0, run: 1}, {op: "record", at: time.Hour, run: 2},
				{op: "fail", at: 2 * time.Hour, run: 1},
				{op: "check", at: 2 * time.Hour, wantRA: 10 * time.Hour},
			},
		},
		{
			name: "over the limit, retry waits for enough runs to expire", limit: 1,
			steps: []step{
				{op: "record", at: 0, run: 1}, {op: "record", at: time.Hour, run: 2}, // recorded without a check
				{op: "check", at: 2 * time.Hour, wantRA: 11 * time.Hour},
				{op: "check", at: 13 * time.Hour, wantAllow: true},
			},
		},
		{
			name: "expired entries are pruned and do not count", limit: 1,
			steps: []step{
				{op: "record", at: 0, run: 1},
				{op: "record", at: 12 * time.Hour, run: 2},
				{op: "check", at: 12 * time.Hour, wantRA: 12 * time.Hour},
				{op: "fail", at: 13 * time.Hour, run: 1}, // already expired: no effect
				{op: "check", at: 13 * time.Hour, wantRA: 11 * time.Hour},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := NewSlidingLog(tc.limit, 12*time.Hour, tc.counts)
			require.NoError(t, err)
			for i, st := range tc.steps {
				switch st.op {
				case "record":
					s.Record(at(st.at), st.run)
				case "fail", "succeed":
					s.Settle(at(st.at), st.run, st.op == "succeed")
				case "check":
					v := s.Check(at(st.at))
					assert.Equal(t, Verdict{Allow: st.wantAllow, RetryAfter: st.wantRA}, v, "step %d", i)
				}
			}
		})
	}
}

func TestNewSlidingLogRejectsBadOptions(t *testing.T) {
	_, err := NewSlidingLog(0, time.Hour, CountSuccessful)
	assert.EqualError(t, err, "policy: throttle limit must be >= 1")
	_, err = NewSlidingLog(1, 0, CountSuccessful)
	assert.EqualError(t, err, "policy: throttle window must be >= 1ms")
	_, err = NewSlidingLog(1, time.Hour, Counting(9))
	assert.Error(t, err)
}

// TestSlidingLogRetryAfterIsExact drives the log with random starts and
// outcomes and checks every refusal: Check at now+RetryAfter allows, Check a
// second (and a millisecond) earlier does not, and Check changes nothing.
func TestSlidingLogRetryAfterIsExact(t *testing.T) {
	refusals := 0
	for seed := uint64(0); seed < 300; seed++ {
		rng := rand.New(rand.NewPCG(seed, 0))
		limit := 1 + rng.IntN(6)
		window := time.Duration(1+rng.IntN(24)) * time.Hour
		s, err := NewSlidingLog(limit, window, Counting(rng.IntN(2)))
		require.NoError(t, err)
		now := t0
		var running []uint64
		for run := uint64(1); run < 200; run++ {
			now = now.Add(time.Duration(rng.Int64N(int64(3 * time.Hour))).Truncate(time.Millisecond))
			if len(running) > 0 && rng.IntN(2) == 0 {
				s.Settle(now, running[0], rng.IntN(4) > 0)
				running = running[1:]
			}
			v := s.Check(now)
			if v.Allow {
				require.Less(t, s.Counted(now), limit)
				s.Record(now, run)
				running = append(running, run)
				continue
			}
			refusals++
			require.Positive(t, v.RetryAfter, "seed %d", seed)
			require.LessOrEqual(t, v.RetryAfter, window)
			if v.RetryAfter > time.Second {
				require.False(t, s.Check(now.Add(v.RetryAfter-time.Second)).Allow, "seed %d: a second early", seed)
			}
			require.False(t, s.Check(now.Add(v.RetryAfter-time.Millisecond)).Allow, "seed %d: a millisecond early", seed)
			require.True(t, s.Check(now.Add(v.RetryAfter)).Allow, "seed %d: at Retry-After", seed)
			require.Equal(t, v, s.Check(now), "Check must not change the log")
		}
	}
	require.Greater(t, refusals, 3000, "too few refusals: the test proves nothing")
}

func TestNextWithin(t *testing.T) {
	r := NextWithin{Lookahead: 10 * time.Hour}
	tests := []struct {
		name      string
		now, next time.Duration
		want      bool
	}{
		{name: "due in an hour", now: 13 * time.Hour, next: 14 * time.Hour, want: true},
		{name: "due in exactly 10h", now: 4 * time.Hour, next: 14 * time.Hour, want: true},
		{name: "due in 10h and a millisecond", now: 4*time.Hour - time.Millisecond, next: 14 * time.Hour, want: false},
		{name: "due in 10h and a second", now: 4*time.Hour - time.Second, next: 14 * time.Hour, want: false},
		{name: "due now", now: 14 * time.Hour, next: 14 * time.Hour, want: true},
		{name: "already past", now: 15 * time.Hour, next: 14 * time.Hour, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, r.Skip(at(tc.now), at(tc.next)))
			assert.False(t, NoSkip{}.Skip(at(tc.now), at(tc.next)))
		})
	}
	assert.Error(t, NextWithin{Lookahead: -1}.Validate())
}

func TestOverlapDecide(t *testing.T) {
	tests := []struct {
		name    string
		o       Overlap
		trigger Trigger
		running int
		want    Action
	}{
		{name: "idle service starts on-demand", trigger: OnDemand, running: 0, want: Concurrent},
		{name: "idle service starts scheduled", trigger: Scheduled, running: 0, want: Concurrent},
		{name: "default refuses on-demand during a run", trigger: OnDemand, running: 1, want: Refuse},
		{name: "default refuses scheduled during a run", trigger: Scheduled, running: 1, want: Refuse},
		{name: "concurrent on-demand", o: Overlap{OnDemand: Concurrent}, trigger: OnDemand, running: 2, want: Concurrent},
		{name: "concurrent on-demand leaves scheduled refused", o: Overlap{OnDemand: Concurrent}, trigger: Scheduled, running: 1, want: Refuse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.o.Decide(tc.trigger, tc.running))
		})
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "0s", 12 * time.Hour: "12h", 36 * time.Hour: "1d12h", 110 * time.Minute: "1h50m",
		1500 * time.Millisecond: "1s500ms", -time.Minute: "-1m",
	} {
		assert.Equal(t, want, FormatDuration(d))
	}
}

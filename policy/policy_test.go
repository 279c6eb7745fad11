package policy

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

// TestThrottles plays each throttle through its steps: the limiters under
// the documented reading, then a sliding log of 2 per 12h under each
// reading of what counts. Each plays under either reading of a refusal,
// which changes how a refusal is answered, not what the throttle decides:
// the verdicts are the same under each.
func TestThrottles(t *testing.T) {
	tests := []struct {
		name     string
		throttle func() (*Throttle, error)
		steps    []step
	}{
		{"sliding: five hourly starts fill the window, the sixth waits for the first to expire", documentedReading(sliding, 5), append(hourly(5),
			step{op: "check", at: 5 * time.Hour, wantRA: 7 * time.Hour},
			step{op: "check", at: 12*time.Hour - time.Second, wantRA: time.Second},
			step{op: "check", at: 12 * time.Hour, wantAllow: true})},
		{"sliding: over the limit, the retry waits for enough starts to expire", documentedReading(sliding, 1), []step{
			{op: "start", at: 0, run: 1}, {op: "start", at: time.Hour, run: 2},
			{op: "check", at: 2 * time.Hour, wantRA: 11 * time.Hour}, {op: "check", at: 13 * time.Hour, wantAllow: true}}},
		{"fixed: windows start at 02:00 and 14:00", documentedReading(fixed, 2), []step{
			{op: "start", at: 2 * time.Hour, run: 1}, {op: "start", at: 3 * time.Hour, run: 2},
			{op: "check", at: 13 * time.Hour, wantRA: time.Hour},
			{op: "check", at: 14 * time.Hour, wantAllow: true},
			{op: "start", at: 14 * time.Hour, run: 3}, {op: "start", at: 14*time.Hour + time.Minute, run: 4},
			{op: "check", at: 15 * time.Hour, wantRA: 11 * time.Hour}}},
		{"fixed: the window before the anchor", documentedReading(fixed, 1), []step{
			{op: "start", at: time.Hour, run: 1}, {op: "check", at: 90 * time.Minute, wantRA: 30 * time.Minute}}},
		{"fixed: a failed run gives back its slot in its own window only", documentedReading(fixed, 1), []step{
			{op: "start", at: 3 * time.Hour, run: 1}, {op: "fail", at: 4 * time.Hour, run: 1},
			{op: "check", at: 4 * time.Hour, wantAllow: true},
			{op: "start", at: 13 * time.Hour, run: 2}, {op: "fail", at: 15 * time.Hour, run: 2},
			{op: "start", at: 15 * time.Hour, run: 3}, {op: "check", at: 16 * time.Hour, wantRA: 10 * time.Hour}}},
		{"token bucket: five at once, then one every 2h24m", documentedReading(bucket, 5), burstThenOneEvery144m()},
		{"token bucket: a failed run's token does not come back (x/time/rate's CancelAt after the reservation acted)", documentedReading(bucket, 1), []step{
			{op: "start", at: 0, run: 1}, {op: "check", at: time.Hour, wantRA: 11 * time.Hour},
			{op: "fail", at: time.Hour, run: 1}, {op: "check", at: time.Hour, wantRA: 11 * time.Hour}}},
		{"gcra: five at once, then one every 2h24m", documentedReading(gcra, 5), burstThenOneEvery144m()},
		{"gcra: a failed run moves the arrival time back", documentedReading(gcra, 1), []step{
			{op: "start", at: 0, run: 1}, {op: "check", at: time.Hour, wantRA: 11 * time.Hour},
			{op: "fail", at: time.Hour, run: 1}, {op: "check", at: time.Hour, wantAllow: true}}},
		{"none never refuses", documentedReading(none, 0), append(hourly(50), step{op: "check", at: 50 * time.Hour, wantAllow: true})},
		{"successful, reserved: a failed run gives its slot back", reading(CountSuccessful, true, true), []step{
			{op: "start", at: 0, run: 1}, {op: "start", at: time.Hour, run: 2},
			{op: "check", at: 2 * time.Hour, wantRA: 10 * time.Hour},
			{op: "fail", at: 2 * time.Hour, run: 1}, {op: "check", at: 2 * time.Hour, wantAllow: true}}},
		{"successful, reserved: a successful run keeps it", reading(CountSuccessful, true, true), []step{
			{op: "start", at: 0, run: 1}, {op: "start", at: time.Hour, run: 2},
			{op: "succeed", at: 2 * time.Hour, run: 1}, {op: "check", at: 2 * time.Hour, wantRA: 10 * time.Hour}}},
		{"successful, not reserved: runs in progress hold nothing, completions count from their end", reading(CountSuccessful, false, true), []step{
			{op: "start", at: 0, run: 1}, {op: "start", at: time.Hour, run: 2}, {op: "start", at: 2 * time.Hour, run: 3},
			{op: "check", at: 2 * time.Hour, wantAllow: true},
			{op: "succeed", at: 3 * time.Hour, run: 1}, {op: "succeed", at: 4 * time.Hour, run: 2},
			{op: "check", at: 4 * time.Hour, wantRA: 11 * time.Hour},
			{op: "fail", at: 5 * time.Hour, run: 3}, {op: "check", at: 5 * time.Hour, wantRA: 10 * time.Hour}}},
		{"accepted: a failed run keeps its slot", reading(CountAccepted, true, true), []step{
			{op: "start", at: 0, run: 1}, {op: "start", at: time.Hour, run: 2},
			{op: "fail", at: 2 * time.Hour, run: 1}, {op: "check", at: 2 * time.Hour, wantRA: 10 * time.Hour}}},
		{"attempts: refused attempts count too", reading(CountAttempts, true, true), []step{
			{op: "attempt", at: 0}, {op: "check", at: time.Hour, wantAllow: true},
			{op: "attempt", at: time.Hour}, {op: "check", at: 2 * time.Hour, wantRA: 10 * time.Hour}}},
		{"no Retry-After: refused without one", reading(CountSuccessful, true, false), append(hourly(2),
			step{op: "check", at: 2 * time.Hour})},
	}
	for _, tc := range tests {
		for _, refusal := range []Refusal{Refuse429, AcceptThenFail} {
			t.Run(tc.name+", refusal "+refusal.String(), func(t *testing.T) {
				th, err := tc.throttle()
				require.NoError(t, err)
				th.Refusal = refusal
				play(t, th, tc.steps)
			})
		}
	}
}

// TestRefusal: the reading of a refusal decides how a refused start is
// answered, and the description says which (TestThrottles holds that the
// verdicts do not change with it).
func TestRefusal(t *testing.T) {
	th, err := SlidingThrottle(1, 12*time.Hour)
	require.NoError(t, err)
	assert.Equal(t, "429", Refuse429.String())
	assert.Contains(t, th.String(), "; Retry-After exact", "429 is the default")
	th.Refusal = AcceptThenFail
	assert.Equal(t, "accepted-then-failed", AcceptThenFail.String())
	assert.Contains(t, th.String(), "; refused starts answered 202, their operation failed (no 429)")
	assert.Equal(t, "Refusal(9)", Refusal(9).String())

	// Under either reading, with 1 start per 12h, a start at 00:00 leaves
	// an attempt at 01:00 refused with a Retry-After of 11h.
	for _, refusal := range []Refusal{Refuse429, AcceptThenFail} {
		th, err := SlidingThrottle(1, 12*time.Hour)
		require.NoError(t, err)
		th.Refusal = refusal
		assert.True(t, th.Check(t0).Allow)
		th.Attempt(t0)
		th.Started(t0, 1, true)
		assert.Equal(t, Verdict{Allow: false, RetryAfter: 11 * time.Hour}, th.Check(at(time.Hour)), refusal.String())
	}
}

// TestTokenBucketIsNotASlidingLog: both read "5 per 12h". A client asks
// every hour from 00:00. The token bucket (rate.NewLimiter(rate.Every(12h/5),
// 5)) admits 10 starts in the 12h span [00:00, 12:00]; the sliding log admits
// 5 before 12:00, its sixth exactly at 12:00 when the first expires.
func TestTokenBucketIsNotASlidingLog(t *testing.T) {
	admitted := func(l Limiter) []time.Duration {
		th, err := NewThrottle(l, CountAccepted, true, true)
		require.NoError(t, err)
		var out []time.Duration
		for h := range 13 {
			now := at(time.Duration(h) * time.Hour)
			if th.Check(now).Allow {
				th.Started(now, uint64(h+1), false)
				out = append(out, now.Sub(t0))
			}
		}
		return out
	}
	h := time.Hour
	assert.Equal(t, []time.Duration{0, 1 * h, 2 * h, 3 * h, 4 * h, 5 * h, 6 * h, 8 * h, 10 * h, 12 * h}, admitted(bucket(5)))
	assert.Equal(t, []time.Duration{0, 1 * h, 2 * h, 3 * h, 4 * h, 5 * h, 6 * h, 8 * h, 10 * h, 12 * h}, admitted(gcra(5)))
	assert.Equal(t, []time.Duration{0, 1 * h, 2 * h, 3 * h, 4 * h, 12 * h}, admitted(sliding(5)))
	assert.Equal(t, []time.Duration{0, 1 * h, 2 * h, 3 * h, 4 * h, 5 * h, 6 * h}, admitted(fixed(5))[:7],
		"fixed windows: 00:00-01:00 in the window before 02:00, then five from 02:00")
}

func TestNewLimitersRejectBadOptions(t *testing.T) {
	_, err := NewSlidingLog(0, time.Hour)
	assert.EqualError(t, err, "policy: throttle limit must be >= 1")
	_, err = NewSlidingLog(1, 0)
	assert.EqualError(t, err, "policy: throttle window must be >= 1ms")
	_, err = NewTokenBucket(5, time.Hour, 0)
	assert.EqualError(t, err, "policy: token bucket burst must be >= 1")
	_, err = NewGCRA(5, time.Hour, 0)
	assert.EqualError(t, err, "policy: GCRA burst must be >= 1")
	_, err = NewGCRA(5, time.Millisecond, 1)
	assert.EqualError(t, err, "policy: GCRA needs window/limit >= 1ms")
	_, err = NewThrottle(nil, CountSuccessful, true, true)
	assert.Error(t, err)
}

// TestRetryAfterIsExact drives each limiter with random starts and
// outcomes and checks every refusal: Check at now+RetryAfter allows, Check
// a second (and a millisecond) earlier does not, and Check changes nothing.
func TestRetryAfterIsExact(t *testing.T) {
	makers := map[string]func(limit int, window time.Duration) Limiter{
		"sliding": func(l int, w time.Duration) Limiter { s, _ := NewSlidingLog(l, w); return s },
		"fixed":   func(l int, w time.Duration) Limiter { s, _ := NewFixedWindow(l, w, at(90*time.Minute)); return s },
		"bucket":  func(l int, w time.Duration) Limiter { s, _ := NewTokenBucket(l, w, l); return s },
		"gcra":    func(l int, w time.Duration) Limiter { s, _ := NewGCRA(l, w, l); return s },
	}
	for name, newLimiter := range makers {
		t.Run(name, func(t *testing.T) {
			refusals := 0
			for seed := uint64(0); seed < 200; seed++ {
				rng := rand.New(rand.NewPCG(seed, 0))
				limit := 1 + rng.IntN(6)
				window := time.Duration(1+rng.IntN(24)) * time.Hour
				th, err := NewThrottle(newLimiter(limit, window), Counting(rng.IntN(2)), true, true)
				require.NoError(t, err)
				now := t0
				var running []uint64
				for run := uint64(1); run < 150; run++ {
					now = now.Add(time.Duration(rng.Int64N(int64(3 * time.Hour))).Truncate(time.Millisecond))
					if len(running) > 0 && rng.IntN(2) == 0 {
						th.Finished(now, running[0], rng.IntN(4) > 0)
						running = running[1:]
					}
					v := th.Check(now)
					if v.Allow {
						th.Started(now, run, false)
						running = append(running, run)
						continue
					}
					refusals++
					require.Positive(t, v.RetryAfter, "seed %d", seed)
					if v.RetryAfter > time.Second {
						require.False(t, th.Check(now.Add(v.RetryAfter-time.Second)).Allow, "seed %d: a second early", seed)
					}
					require.False(t, th.Check(now.Add(v.RetryAfter-time.Millisecond)).Allow, "seed %d: a millisecond early", seed)
					require.True(t, th.Check(now.Add(v.RetryAfter)).Allow, "seed %d: at Retry-After", seed)
					require.Equal(t, v, th.Check(now), "Check must not change the throttle")
				}
			}
			require.Greater(t, refusals, 2000, "too few refusals: the test proves nothing")
		})
	}
}

func TestSkipRules(t *testing.T) {
	next := at(14 * time.Hour)
	tests := []struct {
		name string
		rule SkipRule
		now  time.Duration
		want SkipDecision
	}{
		{name: "next-within: due in an hour", rule: NextWithin{Lookahead: 10 * time.Hour}, now: 13 * time.Hour, want: SkipDecision{Through: next}},
		{name: "next-within: due in exactly 10h", rule: NextWithin{Lookahead: 10 * time.Hour}, now: 4 * time.Hour, want: SkipDecision{Through: next}},
		{name: "next-within: due in 10h and a millisecond", rule: NextWithin{Lookahead: 10 * time.Hour}, now: 4*time.Hour - time.Millisecond},
		{name: "next-within: due in 10h and a second", rule: NextWithin{Lookahead: 10 * time.Hour}, now: 4*time.Hour - time.Second},
		{name: "next-within: due now", rule: NextWithin{Lookahead: 10 * time.Hour}, now: 14 * time.Hour, want: SkipDecision{Through: next}},
		{name: "all-within: every run up to now+W", rule: AllWithin{Lookahead: 30 * time.Hour}, now: 4 * time.Hour, want: SkipDecision{Through: at(34 * time.Hour)}},
		{name: "re-anchor", rule: Reanchor{}, now: 4 * time.Hour, want: SkipDecision{Reanchor: true}},
		{name: "none", rule: NoSkip{}, now: 13 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.rule.OnDemand(at(tc.now), next))
		})
	}
	assert.True(t, NextWithin{RunStart: true}.FromRunStart())
	assert.False(t, NextWithin{}.FromRunStart())
	assert.Error(t, NextWithin{Lookahead: -1}.Validate())
	assert.Equal(t, SkipDecision{}, NextWithin{Lookahead: time.Hour}.OnDemand(t0, time.Time{}), "no next scheduled run")
}

func TestOverlapDecide(t *testing.T) {
	tests := []struct {
		name             string
		o                Overlap
		trigger          Trigger
		running, waiting int
		want             Action
	}{
		{name: "idle service starts on-demand", trigger: OnDemand, want: Start},
		{name: "idle service starts scheduled", trigger: Scheduled, want: Start},
		{name: "default refuses on-demand during a run", trigger: OnDemand, running: 1, want: Refuse},
		{name: "default refuses scheduled during a run", trigger: Scheduled, running: 1, want: Refuse},
		{name: "buffer one, none waiting", o: Overlap{OnDemand: BufferOne}, trigger: OnDemand, running: 1, want: BufferOne},
		{name: "buffer one, one waiting", o: Overlap{OnDemand: BufferOne}, trigger: OnDemand, running: 1, waiting: 1, want: Refuse},
		{name: "buffer all, many waiting", o: Overlap{OnDemand: BufferAll}, trigger: OnDemand, running: 1, waiting: 7, want: BufferAll},
		{name: "concurrent on-demand", o: Overlap{OnDemand: Concurrent}, trigger: OnDemand, running: 2, want: Concurrent},
		{name: "concurrent on-demand leaves scheduled refused", o: Overlap{OnDemand: Concurrent}, trigger: Scheduled, running: 1, want: Refuse},
		{name: "delay until idle", o: Overlap{Scheduled: DelayUntilIdle}, trigger: Scheduled, running: 1, want: DelayUntilIdle},
		{name: "delay until idle, one already delayed", o: Overlap{Scheduled: DelayUntilIdle}, trigger: Scheduled, running: 1, waiting: 1, want: Refuse},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.o.Decide(tc.trigger, tc.running, tc.waiting))
		})
	}
}

func TestCron(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	c, err := NewCron("0 2,14 * * *", paris)
	require.NoError(t, err)
	// Paris is UTC+1 in January: 02:00 Paris is 01:00 UTC.
	assert.Equal(t, at(time.Hour), c.Next(t0))
	assert.Equal(t, at(time.Hour), c.Next(at(time.Hour)), "at or after")
	assert.Equal(t, at(13*time.Hour), c.Next(at(time.Hour+time.Millisecond)))
	// After the switch to summer time (2025-03-30), 02:00 Paris is 00:00 UTC... 02:00 does not exist that day.
	assert.Equal(t, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC), c.Next(time.Date(2025, 3, 30, 12, 30, 0, 0, time.UTC)))
	_, err = NewCron("61 * * * *", time.UTC)
	assert.Error(t, err)
}

func TestList(t *testing.T) {
	l := NewList([]time.Time{at(5 * time.Hour), at(time.Hour)})
	assert.Equal(t, at(time.Hour), l.Next(t0))
	assert.Equal(t, at(5*time.Hour), l.Next(at(time.Hour+1)))
	assert.True(t, l.Next(at(6*time.Hour)).IsZero())
}

func TestJitter(t *testing.T) {
	j := Jitter{Max: 30 * time.Minute, Seed: 7}
	s := Every{Period: 12 * time.Hour, Anchor: t0}
	seen := map[time.Duration]bool{}
	for k := range 200 {
		nominal := s.Next(at(time.Duration(k) * 12 * time.Hour))
		d := j.Delay(nominal, s.Next(nominal.Add(time.Millisecond)))
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.Less(t, d, 30*time.Minute)
		assert.Equal(t, d, j.Delay(nominal, s.Next(nominal.Add(time.Millisecond))), "deterministic")
		seen[d] = true
	}
	assert.Greater(t, len(seen), 150, "the delays vary")
	// Never reaching the next nominal instant.
	big := Jitter{Max: 24 * time.Hour, Seed: 7}
	for k := range 200 {
		nominal := at(time.Duration(k) * 12 * time.Hour)
		assert.Less(t, big.Delay(nominal, nominal.Add(12*time.Hour)), 12*time.Hour)
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

// TestConstructorsRefuseAbsurdSizes: a limit or burst past MaxLimit is an
// error from the constructor, never an allocation of its size (a limit of
// 10^18 used to panic in makeslice, 10^10 to exhaust the memory).
func TestConstructorsRefuseAbsurdSizes(t *testing.T) {
	const huge, big = 1_000_000_000_000_000_000, 10_000_000_000
	tests := []struct {
		name  string
		build func() (Limiter, error)
		want  string
	}{
		{name: "sliding, limit 10^18", build: func() (Limiter, error) { return NewSlidingLog(huge, 12*time.Hour) },
			want: "policy: throttle limit must be at most 1000000, got 1000000000000000000"},
		{name: "sliding, limit 10^10", build: func() (Limiter, error) { return NewSlidingLog(big, 12*time.Hour) },
			want: "policy: throttle limit must be at most 1000000, got 10000000000"},
		{name: "fixed, limit 10^10", build: func() (Limiter, error) { return NewFixedWindow(big, 12*time.Hour, t0) },
			want: "policy: throttle limit must be at most 1000000, got 10000000000"},
		{name: "token bucket, limit 10^10", build: func() (Limiter, error) { return NewTokenBucket(big, 12*time.Hour, 5) },
			want: "policy: throttle limit must be at most 1000000, got 10000000000"},
		{name: "token bucket, burst 10^10", build: func() (Limiter, error) { return NewTokenBucket(5, 12*time.Hour, big) },
			want: "policy: token bucket burst must be at most 1000000, got 10000000000"},
		{name: "gcra, burst 10^18", build: func() (Limiter, error) { return NewGCRA(5, 12*time.Hour, huge) },
			want: "policy: GCRA burst must be at most 1000000, got 1000000000000000000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { _, err = tc.build() })
			assert.EqualError(t, err, tc.want)
		})
	}
	l, err := NewSlidingLog(MaxLimit, 12*time.Hour)
	require.NoError(t, err, "the bound itself is allowed")
	assert.Equal(t, MaxLimit, l.Capacity())
}

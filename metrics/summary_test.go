package metrics

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/policy"
	"runsim/sim"
)

func TestFreshnessHandWorked(t *testing.T) {
	h := func(x float64) time.Duration { return time.Duration(x * float64(time.Hour)).Round(time.Millisecond) }
	tests := []struct {
		name string
		cfg  sim.Config
		want Freshness
	}{
		{
			// Successes finish at 3h and 15h: gaps of 3h, 12h and an open
			// 11h to the end at 26h. Mean = (3²+12²+11²)/(2·26) h;
			// p95 solves 3 + 2x = 0.95·26, x = 10.85h; max 12h.
			name: "two scheduled runs",
			cfg:  simtest.Documented(26*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}}),
			// p50 solves 3 + 2x = 13: x = 5h.
			want: Freshness{Mean: h(274.0 / 52), P50: 5 * time.Hour, P95: h(10.85), Max: 12 * time.Hour},
		},
		{
			// The first run fails: the data stay as old as the start until
			// 15h, then an open gap of 11h. Mean = (15²+11²)/(2·26) h;
			// p95 solves 11 + x = 24.7 with x ≥ 11: x = 13.7h; max 15h.
			name: "a failed run does not refresh the data",
			cfg: simtest.Documented(26*time.Hour, sim.Scripted{
				{Duration: time.Hour, Status: sim.Failed}, {Duration: time.Hour, Status: sim.CompletedWithWarnings},
			}),
			// p50 solves 2x = 13 with x <= 11: x = 6.5h.
			want: Freshness{Mean: h(346.0 / 52), P50: h(6.5), P95: h(13.7), Max: 15 * time.Hour},
		},
		{
			name: "no run finishes: the age rises from 0 to the horizon",
			cfg:  simtest.Documented(time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}}),
			want: Freshness{Mean: 30 * time.Minute, P50: 30 * time.Minute, P95: 57 * time.Minute, Max: time.Hour},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, summarise(t, tc.cfg).Freshness)
		})
	}
}

func TestFreshnessQuantileOfUnequalGaps(t *testing.T) {
	// Gaps of 1h, 2h, ..., 10h closed by successes: T = 55h.
	a := newAgeStats(t0)
	end := t0
	for i := 1; i <= 10; i++ {
		end = end.Add(time.Duration(i) * time.Hour)
		a.refresh(end)
	}
	f := a.result(end)
	assert.Equal(t, 10*time.Hour, f.Max)
	assert.Equal(t, 3*time.Hour+30*time.Minute, f.Mean) // Σ L² / 2T = 385h² / 110h
	// p95 solves Σ min(L, x) = 0.95·55h = 52.25h. For x between 8h and
	// 9h, Σ min(L, x) = (1+...+8) + 2x = 36 + 2x, so x = 8.125h.
	assert.Equal(t, 8*time.Hour+7*time.Minute+30*time.Second, f.P95)
}

func TestCounts(t *testing.T) {
	admin := sim.Client{
		Name:       "admin",
		Arrivals:   sim.At{t0.Add(2*time.Hour + 30*time.Minute), t0.Add(5 * time.Hour)},
		OnConflict: sim.Retry{Kind: sim.AfterDelay, Delay: time.Hour, MaxAttempts: 2},
	}
	// 02:00 scheduled run (1h); 02:30 conflict, retried at 03:30 and
	// accepted; 05:00 accepted; 14:00 skipped for the 05:00 request.
	// Latencies: 02:30 → 04:30 (2h) and 05:00 → 06:00 (1h). Occupancy of
	// the 12h window: 1 over [2h, 3h30), 2 over [3h30, 5h), 3 over
	// [5h, 14h), 2 over [14h, 15h): 33.5 run-hours over 15h.
	s := summarise(t, simtest.Documented(15*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}}, admin))
	want := Summary{
		Start: t0, End: t0.Add(15 * time.Hour),
		Requests: 3, Accepted: 2, Throttled: 0, Conflicts: 1, Retries: 1, GaveUp: 0,
		RunsStarted: 3, RunsSucceeded: 3, RunsFailed: 0,
		ScheduledDue: 2, ScheduledRun: 1, ScheduledSkipped: map[string]int{"on-demand": 1},
		Latency:    Latency{P50: time.Hour, P95: 2 * time.Hour, N: 2},
		RunsPerDay: 3 / (15.0 / 24), OccupancyMean: 33.5 / 15, OccupancyMax: 3,
	}
	s.Freshness = Freshness{}
	s.figures = nil // each figure is tested with its metric
	assert.Equal(t, want, s)
}

func TestLatenessAndPolls(t *testing.T) {
	cfg := simtest.Documented(30*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}})
	cfg.Jitter = policy.Jitter{Max: 30 * time.Minute, Seed: 1}
	cl := sim.Client{Name: "admin", Arrivals: sim.At{t0.Add(20 * time.Hour)}, Poll: 25 * time.Minute}
	cfg.Clients = []sim.Client{cl}
	s := summarise(t, cfg)
	j := cfg.Jitter
	var sum, longest time.Duration
	for _, n := range []time.Duration{2 * time.Hour, 14 * time.Hour} { // 26h is skipped by the 20h request
		d := j.Delay(t0.Add(n), t0.Add(n+12*time.Hour))
		sum += d
		longest = max(longest, d)
	}
	assert.Equal(t, 2, s.ScheduledRun)
	assert.Equal(t, sum/2, s.LatenessMean)
	assert.Equal(t, longest, s.LatenessMax)
	assert.Positive(t, s.LatenessMax)
	assert.Equal(t, 3, s.Polls, "a 1h run polled every 25m: at 25m, 50m, 75m")
}

// TestSketchBinsAgreeWithExactValues: past exactLimit values the sketch
// moves to bins; its quantiles stay within 0.1% of the exact ones, plain
// and time-weighted.
func TestSketchBinsAgreeWithExactValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var s sketch
	var vals []float64
	total := 0.0
	for range 3 * exactLimit {
		v := 1000 + rng.ExpFloat64()*3_600_000
		s.add(v)
		vals = append(vals, v)
		total += v
	}
	require.NotNil(t, s.bins, "moved to bins")
	slices.Sort(vals)
	q := s.quantiles(0.5, 0.95)
	assert.InEpsilon(t, vals[len(vals)/2-1], q[0], 0.001)
	assert.InEpsilon(t, vals[int(0.95*float64(len(vals)))-1], q[1], 0.001)

	exact := sketch{exact: slices.Clone(vals), n: int64(len(vals))}
	want := exact.weightedQuantiles(total, 0, 0.5, 0.95)
	got := s.weightedQuantiles(total, 0, 0.5, 0.95)
	assert.InEpsilon(t, want[0], got[0], 0.001)
	assert.InEpsilon(t, want[1], got[1], 0.001)
}

// warmupTimeline is a day worked by hand, offsets from t0, First set as
// the engine sets it (withFirst):
//
//	 1h  request 1 accepted (op A), run 1 starts on demand; slots 0 → 1
//	 2h  scheduled run due, skipped: run in progress
//	 3h  slots 1 → 3
//	 4h  run 1 completed
//	 5h  request 2 accepted (op B), run 2 starts; slots 3 → 1
//	 6h  end of the warm-up (measurement: slots 1)
//	 7h  run 2 completed
//	 8h  request 3 throttled (Retry-After 4h), retry at 12h
//	12h  request 3, attempt 2, accepted (op C), run 3 starts; slots 1 → 2
//	14h  scheduled run due, skipped: run in progress
//	15h  run 3 completed
//	20h  scheduled run due; it starts at 20h30m (late by 30m), fails at 22h
//	24h  the end (measurement: slots 2)
func warmupTimeline() []sim.Event {
	at := func(h float64) time.Time { return t0.Add(time.Duration(h * float64(time.Hour))) }
	opA, opB, opC := sim.OperationID{1}, sim.OperationID{2}, sim.OperationID{3}
	slots := func(h, level, area float64, why sim.SlotChange) sim.Event {
		return sim.Event{At: at(h), Kind: sim.SlotsChanged, Change: why, Capacity: 5, Slots: level, Area: area}
	}
	return withFirst([]sim.Event{
		{At: at(1), Kind: sim.RequestArrived, Client: "admin", Request: 1, Attempt: 1},
		{At: at(1), Kind: sim.Accepted, Client: "admin", Request: 1, Attempt: 1, Operation: opA},
		{At: at(1), Kind: sim.RunStarted, Run: 1, Trigger: policy.OnDemand, Operation: opA},
		slots(1, 1, 0, sim.SlotTaken),
		{At: at(2), Kind: sim.ScheduledDue, Nominal: at(2)},
		{At: at(2), Kind: sim.ScheduledSkipped, Nominal: at(2), Reason: sim.SkipRunInProgress},
		slots(3, 3, 2*3600, sim.SlotForced),
		{At: at(4), Kind: sim.RunFinished, Run: 1, Trigger: policy.OnDemand, Operation: opA, RunStatus: sim.Completed},
		{At: at(5), Kind: sim.RequestArrived, Client: "admin", Request: 2, Attempt: 1},
		{At: at(5), Kind: sim.Accepted, Client: "admin", Request: 2, Attempt: 1, Operation: opB},
		{At: at(5), Kind: sim.RunStarted, Run: 2, Trigger: policy.OnDemand, Operation: opB},
		slots(5, 1, 2*3*3600, sim.SlotFreed),
		slots(6, 1, 1*3600, sim.SlotWarmup),
		{At: at(7), Kind: sim.RunFinished, Run: 2, Trigger: policy.OnDemand, Operation: opB, RunStatus: sim.Completed},
		{At: at(8), Kind: sim.RequestArrived, Client: "admin", Request: 3, Attempt: 1},
		{At: at(8), Kind: sim.Throttled, Client: "admin", Request: 3, Attempt: 1, RetryAfter: 4 * time.Hour},
		{At: at(8), Kind: sim.RetryScheduled, Client: "admin", Request: 3, Attempt: 1, Next: at(12)},
		{At: at(12), Kind: sim.RequestArrived, Client: "admin", Request: 3, Attempt: 2},
		{At: at(12), Kind: sim.Accepted, Client: "admin", Request: 3, Attempt: 2, Operation: opC},
		{At: at(12), Kind: sim.RunStarted, Run: 3, Trigger: policy.OnDemand, Operation: opC},
		slots(12, 2, 6*3600, sim.SlotTaken),
		{At: at(14), Kind: sim.ScheduledDue, Nominal: at(14)},
		{At: at(14), Kind: sim.ScheduledSkipped, Nominal: at(14), Reason: sim.SkipRunInProgress},
		{At: at(15), Kind: sim.RunFinished, Run: 3, Trigger: policy.OnDemand, Operation: opC, RunStatus: sim.Completed},
		{At: at(20), Kind: sim.ScheduledDue, Nominal: at(20)},
		{At: at(20.5), Kind: sim.RunStarted, Run: 4, Trigger: policy.Scheduled, Nominal: at(20)},
		{At: at(22), Kind: sim.RunFinished, Run: 4, Trigger: policy.Scheduled, RunStatus: sim.Failed},
		slots(24, 2, 12*2*3600, sim.SlotHorizon),
	})
}

// TestWithFirstIsTheEngines: withFirst, given the engine's events with
// First cleared, sets it back as the engine set it, under retries of both
// refusals and runs that fail.
func TestWithFirstIsTheEngines(t *testing.T) {
	cfg := simtest.Documented(3*24*time.Hour, sim.Scripted{{Duration: 2 * time.Hour, Status: sim.Completed}, {Duration: 30 * time.Minute, Status: sim.Failed}},
		sim.Client{Name: "poller", Arrivals: sim.Poisson{Rate: 2},
			OnThrottle: sim.Retry{Kind: sim.AfterRetryAfter, Delay: time.Minute, MaxAttempts: 3},
			OnConflict: sim.Retry{Kind: sim.AfterDelay, Delay: 15 * time.Minute, MaxAttempts: 3}})
	var want []sim.Event
	_, err := sim.Run(cfg, sim.ObserverFunc(func(e *sim.Event) { want = append(want, *e) }))
	require.NoError(t, err)
	got := slices.Clone(want)
	retried, firsts := 0, 0
	for i := range got {
		if got[i].Attempt > 1 {
			retried++
		}
		if !got[i].First.IsZero() {
			firsts++
		}
		got[i].First = time.Time{}
	}
	require.Positive(t, retried, "the run has retries")
	require.Positive(t, firsts, "the engine sets First")
	assert.Equal(t, want, withFirst(got))
}

// TestWarmupHandWorked measures warmupTimeline over the whole day and
// from 6h on. From 6h: run 2 is carried in; the data are 2h old at 6h
// (last refreshed at 4h), so freshness is a head of ages 2h..3h, a gap of
// 8h (7h → 15h) and an open 9h: mean (3²−2² + 8² + 9²)/(2·18) h = 4h10m;
// the median solves x + x + 1 = 9 (x = 4h), the p95 8 + x + 1 = 17.1
// (x = 8.1h); occupancy is (6h·1 + 12h·2)/18h = 5/3, its max 2 (the 3
// slots were at 3h). Over the day: gaps 4h, 3h, 8h and 9h: mean
// 170/48 h = 3h32m30s, median 3h, p95 solves 4 + 3 + 2x = 22.8 (7.9h);
// occupancy (0 + 2 + 6 + 1 + 6 + 24) slot·h / 24h = 1.625, max 3.
func TestWarmupHandWorked(t *testing.T) {
	h := func(x float64) float64 { return x * 3600 }
	tests := []struct {
		name   string
		warmup time.Duration
		want   map[string]float64
		skips  map[string]int
		carry  int
	}{
		{
			name:   "no warm-up",
			warmup: 0,
			want: map[string]float64{
				"requests": 4, "accepted": 3, "throttled": 1, "retries": 1, "gave_up": 0,
				"throttled_fraction": 0.25, "accepted_fraction": 0.75,
				"runs_started": 4, "runs_succeeded": 3, "runs_failed": 1, "runs_per_day": 3,
				"scheduled_run": 1, "scheduled_skipped": 2, "lateness_mean": h(0.5), "lateness_max": h(0.5),
				"freshness_mean": h(170.0 / 48), "freshness_p50": h(3), "freshness_p95": h(7.9), "freshness_max": h(9),
				"latency_p50": h(3), "latency_p95": h(7),
				"occupancy_mean": 1.625, "occupancy_max": 3,
			},
			skips: map[string]int{"run-in-progress": 2},
		},
		{
			name:   "six hours of warm-up",
			warmup: 6 * time.Hour,
			want: map[string]float64{
				"requests": 2, "accepted": 1, "throttled": 1, "retries": 1, "gave_up": 0,
				"throttled_fraction": 0.5, "accepted_fraction": 0.5,
				"runs_started": 2, "runs_succeeded": 2, "runs_failed": 1, "runs_per_day": 2 / 0.75,
				"scheduled_run": 1, "scheduled_skipped": 1, "lateness_mean": h(0.5), "lateness_max": h(0.5),
				"freshness_mean": h(150.0 / 36), "freshness_p50": h(4), "freshness_p95": h(8.1), "freshness_max": h(9),
				"latency_p50": h(2), "latency_p95": h(7),
				"occupancy_mean": 5.0 / 3, "occupancy_max": 2,
			},
			skips: map[string]int{"run-in-progress": 1},
			carry: 1,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := NewCollectorAfter(t0, tc.warmup, t0.Add(24*time.Hour))
			for _, e := range warmupTimeline() {
				c.Observe(&e)
			}
			s := c.Summary()
			for name, want := range tc.want {
				got, ok := s.Metric(name)
				require.True(t, ok, name)
				assert.InDelta(t, want, got, 1e-9, name)
			}
			assert.Equal(t, tc.skips, s.ScheduledSkipped)
			assert.Equal(t, tc.carry, s.RunsCarried)
			assert.Equal(t, 0, s.InProgress(), "every run has finished by the end")
			assert.Equal(t, t0.Add(tc.warmup), s.From())
		})
	}
}

// TestWarmupZeroIsNoWarmup: a collector with a warm-up of 0 is the
// collector without one, field for field, whatever the events.
func TestWarmupZeroIsNoWarmup(t *testing.T) {
	end := t0.Add(24 * time.Hour)
	a, b := NewCollector(t0, end), NewCollectorAfter(t0, 0, end)
	for _, e := range warmupTimeline() {
		a.Observe(&e)
		b.Observe(&e)
	}
	assert.Equal(t, a.Summary(), b.Summary())
}

// TestWarmupFreshnessWithoutRefreshAfterIt: when no run succeeds after the
// warm-up, the open gap is the head: ages from their value at the end of
// the warm-up to their value at the end. Last success at 4h, warm-up 6h,
// end 10h: ages 2h..6h, mean 4h, median 4h, p95 5.8h, max 6h.
func TestWarmupFreshnessWithoutRefreshAfterIt(t *testing.T) {
	c := NewCollectorAfter(t0, 6*time.Hour, t0.Add(10*time.Hour))
	for _, e := range []sim.Event{
		{At: t0.Add(time.Hour), Kind: sim.RunStarted, Run: 1, Trigger: policy.Scheduled, Nominal: t0.Add(time.Hour)},
		{At: t0.Add(4 * time.Hour), Kind: sim.RunFinished, Run: 1, Trigger: policy.Scheduled, RunStatus: sim.Completed},
	} {
		c.Observe(&e)
	}
	f := c.Summary().Freshness
	assert.Equal(t, Freshness{Mean: 4 * time.Hour, P50: 4 * time.Hour, P95: 348 * time.Minute, Max: 6 * time.Hour}, f)
}

// TestThrottledAccepted: a refusal answered 202 (a Throttled event with an
// operation) counts as throttled, in throttled_fraction too, and in
// ThrottledAccepted; not as accepted.
func TestThrottledAccepted(t *testing.T) {
	c := NewCollector(t0, t0.Add(time.Hour))
	for _, e := range []sim.Event{
		{At: t0, Kind: sim.RequestArrived, Client: "a", Request: 1, Attempt: 1},
		{At: t0, Kind: sim.Throttled, Client: "a", Request: 1, Attempt: 1},
		{At: t0, Kind: sim.RequestArrived, Client: "a", Request: 2, Attempt: 1},
		{At: t0, Kind: sim.Throttled, Client: "a", Request: 2, Attempt: 1, Operation: sim.OperationID{7}},
	} {
		c.Observe(&e)
	}
	s := c.Summary()
	assert.Equal(t, 2, s.Throttled)
	assert.Equal(t, 1, s.ThrottledAccepted)
	assert.Equal(t, 0, s.Accepted)
	v, _ := s.Metric("throttled_fraction")
	assert.Equal(t, 1.0, v)
}

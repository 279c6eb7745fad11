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

var t0 = simtest.T0

// config is the documented rules over horizon with scripted runs.
func config(horizon time.Duration, runs sim.Scripted, clients ...sim.Client) sim.Config {
	return simtest.Documented(horizon, runs, clients...)
}

func summarise(t *testing.T, cfg sim.Config) Summary {
	c := NewCollector(cfg.Start, cfg.End)
	_, err := sim.Run(cfg, c)
	require.NoError(t, err)
	return c.Summary()
}

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
			cfg:  config(26*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}}),
			// p50 solves 3 + 2x = 13: x = 5h.
			want: Freshness{Mean: h(274.0 / 52), P50: 5 * time.Hour, P95: h(10.85), Max: 12 * time.Hour},
		},
		{
			// The first run fails: the data stay as old as the start until
			// 15h, then an open gap of 11h. Mean = (15²+11²)/(2·26) h;
			// p95 solves 11 + x = 24.7 with x ≥ 11: x = 13.7h; max 15h.
			name: "a failed run does not refresh the data",
			cfg: config(26*time.Hour, sim.Scripted{
				{Duration: time.Hour, Status: sim.Failed}, {Duration: time.Hour, Status: sim.CompletedWithWarnings},
			}),
			// p50 solves 2x = 13 with x <= 11: x = 6.5h.
			want: Freshness{Mean: h(346.0 / 52), P50: h(6.5), P95: h(13.7), Max: 15 * time.Hour},
		},
		{
			name: "no run finishes: the age rises from 0 to the horizon",
			cfg:  config(time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}}),
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
	s := summarise(t, config(15*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}}, admin))
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
	cfg := config(30*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}})
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

package experiment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
	"runsim/scenario"
	"runsim/scenarios"
)

// TestMetricsWithinBoundsAcrossHorizons is a property of every accepted
// horizon, up to the limit itself: every metric lies within its bounds
// (fractions in [0, 1], nothing negative), each x_mean within its x_max,
// freshness within the horizon, and runs_per_day is the runs that
// succeeded over the days of the horizon. A horizon past what
// time.Duration holds (292 years) once gave 6.49 runs a day for 1.90 and
// a mean occupancy above its maximum; the limit is set below it.
func TestMetricsWithinBoundsAcrossHorizons(t *testing.T) {
	const msPerDay = 24 * 3600 * 1000
	scenarios := []struct {
		name, yaml string
	}{
		{name: "the documented rules, no client", yaml: "start: 2025-01-06T00:00:00Z\nhorizon: 2d\n"},
		{name: "the documented rules, a client at 1/d", yaml: "start: 2025-01-06T00:00:00Z\nhorizon: 2d\n" +
			"clients:\n  - name: admin\n    arrivals: {poisson: {rate: 1/d}}\n    on_throttle: {retry: after-retry-after, max_attempts: 3}\n"},
	}
	horizons := []int64{msPerDay, 30 * msPerDay, 365 * msPerDay, 50 * 365 * msPerDay, 100 * 365 * msPerDay,
		199 * 365 * msPerDay, scenario.MaxHorizon}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 4 {
		horizons = append(horizons, 1+rng.Int64N(scenario.MaxHorizon))
	}
	for _, sc := range scenarios {
		for _, h := range horizons {
			t.Run(fmt.Sprintf("%s, %d days", sc.name, h/msPerDay), func(t *testing.T) {
				s, err := scenario.Parse("h.yaml", []byte(sc.yaml), fmt.Sprintf("horizon=%dms", h))
				require.NoError(t, err)
				sum, err := RunOnce(s, 1)
				require.NoError(t, err)
				values := map[string]float64{}
				for _, m := range metrics.All() {
					v := m.Value(sum)
					values[m.Name] = v
					if math.IsNaN(v) {
						continue
					}
					lo, hi := m.Bounds()
					assert.GreaterOrEqual(t, v, lo, m.Name)
					assert.LessOrEqual(t, v, hi, m.Name)
				}
				for name, v := range values {
					if base, ok := strings.CutSuffix(name, "_mean"); ok && !math.IsNaN(v) {
						assert.LessOrEqual(t, v, values[base+"_max"]*(1+1e-9), "%s within %s_max", name, base)
					}
				}
				days := float64(h) / msPerDay
				assert.InEpsilon(t, values["runs_succeeded"]/days, values["runs_per_day"], 1e-9, "runs_per_day")
				assert.LessOrEqual(t, values["freshness_max"], (time.Duration(h) * time.Millisecond).Seconds())
			})
		}
	}
}

// TestWarmupPartitionsTheRun: the warm-up splits a run in two. For every
// scenario of the library, a run measured from W on and the same run cut
// at W (its horizon W, no warm-up) add up to the whole run: every count
// exactly (the cut run has the events before W, the warm one those at and
// after W), the runs in progress at W carried from one to the other, and
// the time integrals of freshness and occupancy (mean × span) to within
// the millisecond the means are rounded to.
func TestWarmupPartitionsTheRun(t *testing.T) {
	counts := []string{"requests", "accepted", "throttled", "conflicts", "retries", "gave_up",
		"runs_started", "runs_succeeded", "runs_failed", "scheduled_run", "scheduled_skipped", "polls"}
	for _, name := range scenarios.Names() {
		if strings.HasPrefix(name, "bench/") {
			continue // the benchmark load: too long for a unit test
		}
		t.Run(name, func(t *testing.T) {
			s, err := scenarios.Load(name)
			require.NoError(t, err)
			p, err := prepare(s)
			require.NoError(t, err)
			cfg := p.cfg
			cfg.Seed = p.seed
			horizon := cfg.End.Sub(cfg.Start)
			w := (horizon / 3).Truncate(time.Millisecond)

			whole, err := Measure(cfg)
			require.NoError(t, err)
			warm := cfg
			warm.Warmup = w
			after, err := Measure(warm)
			require.NoError(t, err)
			cut := cfg
			cut.End = cfg.Start.Add(w)
			before, err := Measure(cut)
			require.NoError(t, err)

			value := func(s metrics.Summary, m string) float64 { v, _ := s.Metric(m); return v }
			for _, m := range counts {
				assert.Equal(t, value(whole, m), value(before, m)+value(after, m), m)
			}
			assert.Equal(t, before.InProgress(), after.RunsCarried)
			assert.Equal(t, whole.InProgress(), after.InProgress())

			span := func(d time.Duration) float64 { return d.Seconds() }
			integral := func(m string) (whole_, parts float64) {
				return value(whole, m) * span(horizon), value(before, m)*span(w) + value(after, m)*span(horizon-w)
			}
			a, b := integral("freshness_mean")
			assert.InDelta(t, a, b, 0.002*span(horizon), "freshness" /* each mean is rounded to the ms */)
			a, b = integral("occupancy_mean")
			assert.InDelta(t, a, b, 1e-6*max(a, 1), "occupancy")
			assert.Equal(t, max(value(before, "occupancy_max"), value(after, "occupancy_max")), value(whole, "occupancy_max"))
			assert.GreaterOrEqual(t, value(whole, "freshness_max"), value(after, "freshness_max"), "the ages after W are ages of the whole run")
		})
	}
}

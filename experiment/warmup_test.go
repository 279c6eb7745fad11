package experiment

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
	"runsim/scenarios"
)

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

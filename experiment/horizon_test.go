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

package experiment

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/sim"
)

// TestEstimateEvents: exact when the pilot covers the horizon, within 5%
// of the count when it is extrapolated, and the same every time.
func TestEstimateEvents(t *testing.T) {
	const scheduleOnly = `name: scheduled
start: 2025-01-06T00:00:00Z
horizon: 200y
service: {schedule: {kind: every, every: 1h, anchor: 2025-01-06T00:00:00Z}, run: {duration: {dist: constant, value: 10m}, outcomes: {completed: 1}}}
`
	tests := []struct {
		name     string
		scenario string
		sets     []string
		exact    bool
	}{
		{name: "a fortnight at 1/h", scenario: fmt.Sprintf(poisson, 1), exact: true},
		{name: "a year at 20/h", scenario: fmt.Sprintf(poisson, 1), sets: []string{"horizon=365d", "clients.a.arrivals.poisson.rate=20/h"}},
		{name: "two hundred years of an hourly schedule and no client", scenario: scheduleOnly},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := load(t, tc.scenario).With(tc.sets...)
			require.NoError(t, err)
			got, exact, err := EstimateEvents(s)
			require.NoError(t, err)
			assert.Equal(t, tc.exact, exact)
			again, _, _ := EstimateEvents(s)
			assert.Equal(t, got, again, "deterministic")
			p, err := prepare(s)
			require.NoError(t, err)
			p.cfg.Seed = sim.ReplicationSeed(p.seed, 0)
			res, err := sim.Run(p.cfg)
			require.NoError(t, err)
			n := int64(res.Events)
			if tc.exact {
				assert.Equal(t, n, got)
			} else {
				assert.InEpsilon(t, n, got, 0.05)
			}
		})
	}
	e := Estimate{Events: 26250870, Replications: 50, Points: 12, PointsNoun: "values tried"}
	assert.Equal(t, int64(26250870*50*12), e.Total())
	assert.Equal(t, "26,250,870 a replication × 50 replications × 12 values tried", e.Detail())
	assert.Equal(t, "355 a replication", Estimate{Events: 355, Replications: 1, Points: 1}.Detail())
}

// TestEstimateTotalSaturates: a total past what an int64 counts is
// math.MaxInt64 and says so, never a product that wrapped around (10 M
// requests an hour for 1000 years times 100 000 replications once showed
// 4.9e18 events for 4.2e19).
func TestEstimateTotalSaturates(t *testing.T) {
	tests := []struct {
		name      string
		est       Estimate
		want      int64
		overflows bool
	}{
		{name: "small", est: Estimate{Events: 1000, Replications: 50, Points: 12}, want: 600_000},
		{name: "replications past int64", est: Estimate{Events: 417_529_908_001_900, Replications: 100_000, Points: 1}, want: math.MaxInt64, overflows: true},
		{name: "points past int64", est: Estimate{Events: 1 << 40, Replications: 1 << 20, Points: 1 << 10}, want: math.MaxInt64, overflows: true},
		{name: "just below", est: Estimate{Events: math.MaxInt64 / 2, Replications: 2}, want: math.MaxInt64 - 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.est.Total())
			assert.Equal(t, tc.overflows, tc.est.Overflows())
		})
	}
}

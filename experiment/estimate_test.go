package experiment

import (
	"fmt"
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

package experiment

import (
	"runsim/internal/simtest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
	"runsim/sim"
)

// blindInvariant is the scenario of the bug report.
const blindInvariant = simtest.BlindInvariant

// TestRunOccupancyFollowsTheReading: runsim run reported "mean 0.17, max 1"
// for the bug report's scenario, counting the failed runs out for 10
// minutes each. Counting accepted starts, the run at hour k holds its slot
// for 12h: k+1 slots over hour k for k < 12, then 12 (one frees as the next
// is taken): (78 + 144) slot·h over 24h = 9.25, max 12.
func TestRunOccupancyFollowsTheReading(t *testing.T) {
	s := load(t, blindInvariant)
	sum, err := RunOnce(s, s.File.Seed)
	require.NoError(t, err)
	assert.Equal(t, 24, sum.RunsStarted)
	assert.InDelta(t, 9.25, sum.OccupancyMean, 1e-9)
	assert.Equal(t, 12.0, sum.OccupancyMax)
}

// TestOccupancyNeedsNoWindow: run (experiment.RunOnce) and compare (a bare
// sim.Run with a metrics.Collector) measured occupancy apart when the
// scenario's window was not the collector's default. There is no window to
// pass any more: both read the engine's measurement events. Here 2 per 3h
// counting accepted starts, a start every 2h: each slot is held 3h, so two
// overlap for 1h of every 2h.
func TestOccupancyNeedsNoWindow(t *testing.T) {
	s := load(t, `name: short-window
start: 2025-01-06T00:00:00Z
horizon: 2d
service:
  schedule: {kind: every, every: 2h}
  throttle: {kind: sliding, limit: 2, window: 3h, counts: accepted}
  run: {duration: {dist: constant, value: 10m}, outcomes: {completed: 1}}
`)
	viaRun, err := RunOnce(s, s.File.Seed)
	require.NoError(t, err)

	cfg, err := s.Config()
	require.NoError(t, err)
	c := metrics.NewCollector(cfg.Start, cfg.End)
	_, err = sim.Run(cfg, c)
	require.NoError(t, err)
	bare := c.Summary()

	assert.Equal(t, viaRun.OccupancyMean, bare.OccupancyMean)
	assert.Equal(t, viaRun.OccupancyMax, bare.OccupancyMax)
	// 24 starts; each holds 3h except the last (22:00 the second day,
	// 2h to the horizon): 71 slot·h over 48h.
	assert.InDelta(t, 71.0/48, bare.OccupancyMean, 1e-9)
	assert.Equal(t, 2.0, bare.OccupancyMax)
}

package reports

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/metrics"
	"runsim/sim"
)

// measure runs cfg with a collector, and the other observers given, and
// returns the collector's summary.
func measure(t *testing.T, cfg sim.Config, others ...sim.Observer) metrics.Summary {
	t.Helper()
	c := metrics.NewCollector(cfg.Start, cfg.End)
	_, err := sim.Run(cfg, append([]sim.Observer{c}, others...)...)
	require.NoError(t, err)
	return c.Summary()
}

// documentedSummary is the summary of the documented rules over 26h, every
// run an hour that completes.
func documentedSummary(t *testing.T) metrics.Summary {
	t.Helper()
	return measure(t, simtest.Documented(26*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}}))
}

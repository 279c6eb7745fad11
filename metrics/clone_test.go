package metrics

import (
	"slices"
	"testing"
	"time"

	"runsim/sim"
)

// TestClosingReadersClone: every measurement that reads the engine's
// closing events (sim.Engine.Closing: slots-changed) can be copied for a
// snapshot (Collector.SummaryAt), so that none panics in a live summary.
func TestClosingReadersClone(t *testing.T) {
	readers := 0
	for _, m := range reg.measures {
		if !slices.Contains(m.kinds, sim.SlotsChanged) && !slices.Contains(m.firsts, sim.SlotsChanged) {
			continue
		}
		readers++
		t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
		if _, ok := m.start(t0, t0, t0.Add(time.Hour)).(interface{ clone() measurement }); !ok {
			t.Errorf("%T reads slots-changed events but has no clone method for SummaryAt", m.start(t0, t0, t0.Add(time.Hour)))
		}
	}
	if readers == 0 {
		t.Error("no measurement reads slots-changed: the occupancy should")
	}
}

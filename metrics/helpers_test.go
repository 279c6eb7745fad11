package metrics

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/sim"
)

// t0 is the instant the tests hang off: Monday 2025-01-06 00:00 UTC.
var t0 = simtest.T0

// requestsAt is admin asking at the given offsets from t0, giving up on
// refusal.
func requestsAt(offsets ...time.Duration) sim.Client {
	ts := make(sim.At, len(offsets))
	for i, d := range offsets {
		ts[i] = t0.Add(d)
	}
	return sim.Client{Name: "admin", Arrivals: ts}
}

// summarise measures a run of cfg with a Collector.
func summarise(t *testing.T, cfg sim.Config) Summary {
	c := NewCollector(cfg.Start, cfg.End)
	_, err := sim.Run(cfg, c)
	require.NoError(t, err)
	return c.Summary()
}

// charted measures a run of cfg with a Collector and a Timeline side by
// side.
func charted(t *testing.T, cfg sim.Config) (Summary, *Timeline) {
	t.Helper()
	c := NewCollector(cfg.Start, cfg.End)
	tl := NewTimeline(cfg.Start, cfg.End)
	_, err := sim.Run(cfg, c, tl)
	require.NoError(t, err)
	return c.Summary(), tl
}

// withFirst sets First on hand-written events as the engine sets it
// (sim.Event.First): on a first attempt's RequestArrived (its At), and on
// the Accepted of a request and the RunFinished of its run (the request's
// first attempt). The events are changed in place and returned.
func withFirst(events []sim.Event) []sim.Event {
	firstOf := map[uint64]time.Time{}            // by request
	firstOfOp := map[sim.OperationID]time.Time{} // by the operation of an accepted request
	for i := range events {
		e := &events[i]
		switch e.Kind {
		case sim.RequestArrived:
			if e.Attempt == 1 {
				e.First, firstOf[e.Request] = e.At, e.At
			}
		case sim.Accepted:
			e.First, firstOfOp[e.Operation] = firstOf[e.Request], firstOf[e.Request]
		case sim.RunFinished:
			if !e.Operation.IsZero() {
				e.First = firstOfOp[e.Operation]
			}
		}
	}
	return events
}

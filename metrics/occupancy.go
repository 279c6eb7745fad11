package metrics

import (
	"time"

	"runsim/sim"
)

// occupancy reads the engine's measurement events (sim.SlotsChanged): the
// throttle's slots in use, in the meaning of the limiter and counting in
// force, and their area. It re-derives nothing: a run without a throttle
// to measure has no such events and an occupancy of 0.
type occupancy struct {
	area     float64 // slot·seconds
	max      float64
	capacity int // the limiter's capacity, from the events
}

// observe takes in a measurement event; it reports whether e was one.
func (o *occupancy) observe(e *sim.Event) bool {
	if e.Kind != sim.SlotsChanged {
		return false
	}
	o.area += e.Area
	o.max = max(o.max, e.Slots)
	o.capacity = int(e.Capacity)
	return true
}

// mean is the time-weighted mean of the slots in use over [start, end),
// complete once the run has ended (its last measurement is at the end).
func (o *occupancy) mean(start, end time.Time) float64 {
	if d := end.Sub(start).Seconds(); d > 0 {
		return o.area / d
	}
	return 0
}

package metrics

import (
	"time"

	"runsim/sim"
)

// The throttle's occupancy: the slots in use as the limiter and counting
// in force count them, read from the engine's SlotsChanged events.
func init() {
	declare(600, &measure{
		kinds: []sim.Kind{sim.SlotsChanged},
		start: func(time.Time, time.Time) measurement { return &occupancy{} },
	},
		Metric{"occupancy_mean", Level, "mean throttle window occupancy", "runs counted in the throttle window, time-weighted mean",
			func(s Summary) float64 { return s.OccupancyMean }},
		Metric{"occupancy_max", Level, "max throttle window occupancy", "most runs counted in the throttle window at once",
			func(s Summary) float64 { return float64(s.OccupancyMax) }},
	)
}

// occupancy reads the engine's measurement events (sim.SlotsChanged): the
// throttle's slots in use, in the meaning of the limiter and counting in
// force, and their area. It re-derives nothing: a run without a throttle
// to measure has no such events and an occupancy of 0.
type occupancy struct {
	area     float64 // slot·seconds
	max      float64
	capacity int // the limiter's capacity, from the events
}

func (o *occupancy) observe(e *sim.Event) { o.take(e) }

func (o *occupancy) summarise(s *Summary, _ *tally) {
	s.OccupancyMean = o.mean(s.Start, s.End)
	s.OccupancyMax = o.max
}

// take takes in a measurement event; it reports whether e was one.
func (o *occupancy) take(e *sim.Event) bool {
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

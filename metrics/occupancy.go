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
		start: func(_, from, _ time.Time) measurement { return &occupancy{from: from} },
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
//
// With a warm-up, only the spans after from are measured: an event's
// area is that of the span that ends at it, counted when it ends after
// from; its slots are those in use from it on, counted when it is at or
// after from. The engine reports the slots at from (sim.SlotWarmup), so
// the level then is carried in and the span across from is split there.
type occupancy struct {
	from     time.Time
	area     float64 // slot·seconds
	max      float64
	capacity int // the limiter's capacity, from the events
}

func (o *occupancy) observe(e *sim.Event) { o.take(e) }

func (o *occupancy) summarise(s *Summary, _ *tally) {
	s.OccupancyMean = o.mean(s.From(), s.End)
	s.OccupancyMax = o.max
}

// take takes in a measurement event; it reports whether e was one.
func (o *occupancy) take(e *sim.Event) bool {
	if e.Kind != sim.SlotsChanged {
		return false
	}
	if e.At.After(o.from) {
		o.area += e.Area
	}
	if !e.At.Before(o.from) {
		o.max = max(o.max, e.Slots)
	}
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

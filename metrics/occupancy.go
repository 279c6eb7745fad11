package metrics

import (
	"time"

	"runsim/sim"
)

// occupancy follows how many counted runs are in the throttle's trailing
// window, the documented way: a run counts from its start for one window
// unless it fails. It keeps only the runs still in the window, and the
// time-weighted integral of the count.
type occupancy struct {
	window int64 // ms
	queue  []slot
	count  int
	last   int64 // ms of the last change
	area   float64
	max    int
	onStep func(t int64, count int) // optional: every change, for charts
}

type slot struct {
	start int64
	run   uint64
}

func newOccupancy(start time.Time, window time.Duration) occupancy {
	return occupancy{window: window.Milliseconds(), last: start.UnixMilli()}
}

func (o *occupancy) set(t int64, count int) {
	o.area += float64(o.count) * float64(t-o.last)
	o.last, o.count = t, count
	o.max = max(o.max, count)
	if o.onStep != nil {
		o.onStep(t, count)
	}
}

// advance lets every slot that ends by t expire, at its own instant.
func (o *occupancy) advance(t int64) {
	k := 0
	for k < len(o.queue) && o.queue[k].start+o.window <= t {
		o.set(o.queue[k].start+o.window, o.count-1)
		k++
	}
	if k > 0 {
		o.queue = o.queue[:copy(o.queue, o.queue[k:])] // compact in place: no new array
	}
}

func (o *occupancy) observe(e *sim.Event) {
	t := e.At.UnixMilli()
	o.advance(t)
	switch e.Kind {
	case sim.RunStarted:
		o.queue = append(o.queue, slot{start: t, run: e.Run})
		o.set(t, o.count+1)
	case sim.RunFinished:
		if e.RunStatus.Succeeded() {
			return
		}
		for i, s := range o.queue {
			if s.run == e.Run {
				o.queue = append(o.queue[:i], o.queue[i+1:]...)
				o.set(t, o.count-1)
				return
			}
		}
	}
}

// mean returns the time-weighted mean count up to end, without changing o.
func (o *occupancy) mean(start, end time.Time) float64 {
	area, count, last := o.area, o.count, o.last
	for _, s := range o.queue {
		if e := s.start + o.window; e <= end.UnixMilli() {
			area += float64(count) * float64(e-last)
			count, last = count-1, e
		}
	}
	area += float64(count) * float64(end.UnixMilli()-last)
	if d := end.Sub(start).Milliseconds(); d > 0 {
		return area / float64(d)
	}
	return 0
}

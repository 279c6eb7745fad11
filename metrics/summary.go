package metrics

import (
	"time"

	"runsim/sim"
)

// Summary is what one run of a scenario did.
type Summary struct {
	Start, End time.Time

	Requests  int // attempts that reached the service, retries included
	Accepted  int // 202
	Throttled int // 429
	Conflicts int // 409
	Retries   int // attempts after the first
	GaveUp    int // requests abandoned after a refusal

	RunsStarted   int
	RunsSucceeded int // completed, completedWithErrors, completedWithWarnings
	RunsFailed    int

	ScheduledDue     int
	ScheduledRun     int
	ScheduledSkipped map[string]int // reason → count
	// Lateness of scheduled runs that started: actual start minus nominal
	// instant (jitter, delays until idle, buffers).
	LatenessMean, LatenessMax time.Duration

	Polls int // polls of operations' Locations, counted when they finish

	// Latency of on-demand requests that got a run: from the first
	// attempt to the end of the run, retries included.
	Latency Latency
	// RunsPerDay is successful runs per day of the horizon.
	RunsPerDay float64
	// Occupancy of the throttle: the slots in use in the meaning of the
	// limiter and counting in force (policy.Limiter.Taken), time-weighted
	// mean and max, from the engine's SlotsChanged events. A token bucket
	// or GCRA may hold fractions of a slot; 0 without a throttle.
	OccupancyMean float64
	OccupancyMax  float64

	Freshness Freshness

	figures []float64 // the values of figures (see figure), for metrics no field holds
}

// Latency summarises request latencies.
type Latency struct {
	P50, P95 time.Duration
	N        int // requests whose run finished
}

// InProgress is the number of runs still running at the end.
func (s Summary) InProgress() int { return s.RunsStarted - s.RunsSucceeded - s.RunsFailed }

// A measurement is the streaming state behind one concern's metrics over
// one run. The collector gives it the events of the kinds its measure
// names, and no others, in order; it keeps a bounded amount of state
// whatever the horizon and allocates nothing per event.
type measurement interface {
	observe(e *sim.Event)
	// summarise writes what was measured into s (whose Start and End
	// are set), without changing the measurement: a run can be
	// summarised at any instant.
	summarise(s *Summary)
}

// A measure declares a measurement (see declare): the kinds of events it
// reads and how to start one for a run over [start, end).
type measure struct {
	kinds []sim.Kind
	start func(start, end time.Time) measurement
}

// A figure is a value of a Summary that no field holds: a measurement
// declared in its own file writes it, and its metric reads it. A Summary
// not made by a Collector (a literal) has every figure 0, as it has every
// count 0. Figures are allocated by newFigure, once, in a package-level
// variable's initialiser.
type figure int

func newFigure() figure {
	reg.figures++
	return figure(reg.figures - 1)
}

func (f figure) set(s *Summary, v float64) { s.figures[f] = v }

// of reads the figure of s.
func (f figure) of(s Summary) float64 {
	if int(f) < len(s.figures) {
		return s.figures[f]
	}
	return 0
}

// Collector is a sim.Observer that builds a Summary as events stream by:
// it starts every declared measurement and hands each event only to the
// measurements that read its kind (lists made once, at construction). Its
// memory does not grow with the horizon.
type Collector struct {
	start, end time.Time
	all        []measurement   // in the order of the table
	byKind     [][]measurement // event kind → the measurements that read it
	figures    int             // how many figures a Summary holds
}

// NewCollector returns a collector for a run over [start, end).
func NewCollector(start, end time.Time) *Collector { return reg.newCollector(start, end) }

func (r *registry) newCollector(start, end time.Time) *Collector {
	c := &Collector{start: start, end: end, figures: r.figures,
		all: make([]measurement, len(r.measures)), byKind: make([][]measurement, len(r.byKind))}
	for i, m := range r.measures {
		c.all[i] = m.start(start, end)
	}
	n := 0
	for _, is := range r.byKind {
		n += len(is)
	}
	lists := make([]measurement, 0, n) // one backing array for every kind's list
	for k, is := range r.byKind {
		for _, i := range is {
			lists = append(lists, c.all[i])
		}
		c.byKind[k] = lists[len(lists)-len(is) : len(lists) : len(lists)]
	}
	return c
}

// Observe implements sim.Observer.
func (c *Collector) Observe(e *sim.Event) {
	if int(e.Kind) < len(c.byKind) {
		for _, m := range c.byKind[e.Kind] {
			m.observe(e)
		}
	}
}

// Summary returns the summary of the run so far, freshness measured up to
// the end of the run.
func (c *Collector) Summary() Summary {
	s := Summary{Start: c.start, End: c.end}
	if c.figures > 0 {
		s.figures = make([]float64, c.figures)
	}
	for _, m := range c.all {
		m.summarise(&s)
	}
	return s
}

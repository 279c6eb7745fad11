package metrics

import (
	"time"

	"runsim/sim"
)

// Summary is what one run of a scenario did.
type Summary struct {
	Start, End time.Time
	// Warmup is the initial transient left out of every figure: they are
	// measured over [Start+Warmup, End) (see NewCollectorAfter).
	Warmup time.Duration

	Requests  int // attempts that reached the service, retries included
	Accepted  int // 202
	Throttled int // 429, and refusals answered 202 (below)
	// ThrottledAccepted are the throttled attempts answered 202 Accepted
	// whose operation then failed (refusal: accepted-then-failed); they
	// are counted in Throttled too, not in Accepted.
	ThrottledAccepted int
	Conflicts         int // 409
	Retries           int // attempts after the first
	GaveUp            int // requests abandoned after a refusal

	RunsStarted   int
	RunsSucceeded int // completed, completedWithErrors, completedWithWarnings
	RunsFailed    int
	// RunsCarried are the runs in progress at the end of the warm-up,
	// started before it (0 without a warm-up).
	RunsCarried int

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
func (s Summary) InProgress() int {
	return s.RunsCarried + s.RunsStarted - s.RunsSucceeded - s.RunsFailed
}

// From is the instant measurement starts: Start+Warmup.
func (s Summary) From() time.Time { return s.Start.Add(s.Warmup) }

// A warmer is a measurement that keeps state from the events of the
// warm-up, which count for nothing (the age of the data).
type warmer interface {
	warm(e *sim.Event)
}

// A measurement is the streaming state behind one concern's metrics over
// one run. The collector gives it the events of the kinds its measure
// names, and no others, in order; it keeps a bounded amount of state
// whatever the horizon and allocates nothing per event. What is only a
// count of events of a kind (or of the retries among them) it need not
// observe: the collector counts every event by kind (a tally) and hands
// the tally to summarise.
type measurement interface {
	observe(e *sim.Event)
	// summarise writes what was measured into s (whose Start and End
	// are set), without changing the measurement: a run can be
	// summarised at any instant.
	summarise(s *Summary, n *tally)
}

// A tally is the number of events of each kind so far, and of the retries
// among them (request events with Attempt > 1), indexed by kind.
type tally [256]struct{ all, retries int }

// A measure declares a measurement (see declare): the kinds of events it
// observes, all of them or only those that are no retry (a request's
// first attempt, and every event that is no attempt), and how to start
// one for a run over [start, end). A measurement that reads only the
// tally observes no kind.
type measure struct {
	kinds  []sim.Kind                                   // every event of these kinds
	firsts []sim.Kind                                   // the events of these kinds with Attempt <= 1
	start  func(start, from, end time.Time) measurement // from: Start+Warmup
}

// fresh starts a measurement that needs nothing of the run: a zero T.
func fresh[T any, P interface {
	*T
	measurement
}](start, from, end time.Time) measurement {
	return P(new(T))
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
// it tallies every event by kind and hands it only to the measurements
// that read its kind (lists made once, at construction, for first
// attempts and for retries). Its memory does not grow with the horizon.
//
// With a warm-up (NewCollectorAfter) every figure is measured over
// [Start+Warmup, End): events are counted when they happen at or after
// Start+Warmup (a latency when its run finishes then, a lateness when its
// scheduled run starts then); freshness and occupancy are time-weighted
// from Start+Warmup on, with the state at that instant carried in (the
// age of the data then, the slots in use then); runs per day are over
// the measured span. Events of the warm-up reach only the measurements
// that keep state from them (warmers).
type Collector struct {
	start, end time.Time
	warmup     time.Duration
	from       int64 // Unix ms of Start+Warmup
	// warming: events of the warm-up may still come (a warm-up, and no
	// event at or after from yet; events come in order).
	warming bool
	all     []measurement // in the order of the table
	figures int           // how many figures a Summary holds
	// kinds holds, by event kind, its tally and the measurements that
	// read it, side by side, so that an event touches one entry.
	kinds [256]kindState
}

// kindState is the tally of an event kind and the measurements that read
// it: ms[0] for events that are no retry, ms[1] for retries.
type kindState struct {
	n, retries int
	ms         [2][]measurement
	warm       int // events of the warm-up
}

// readers returns the measurements that read e, an event of k's kind, and
// whether e is a retry (a request event with Attempt > 1).
func (k *kindState) readers(e *sim.Event) (ms []measurement, retry bool) {
	if e.Attempt > 1 {
		return k.ms[1], true
	}
	return k.ms[0], false
}

// NewCollector returns a collector for a run over [start, end).
func NewCollector(start, end time.Time) *Collector { return reg.newCollector(start, 0, end) }

// NewCollectorAfter returns a collector for a run over [start, end) that
// measures from start+warmup on (see Collector). The engine's
// configuration must carry the same warm-up (sim.Config.Warmup) for the
// occupancy to be split exactly at start+warmup.
func NewCollectorAfter(start time.Time, warmup time.Duration, end time.Time) *Collector {
	return reg.newCollector(start, warmup, end)
}

func (r *registry) newCollector(start time.Time, warmup time.Duration, end time.Time) *Collector {
	from := start.Add(warmup)
	c := &Collector{start: start, end: end, warmup: warmup, from: from.UnixMilli(), warming: warmup > 0,
		figures: r.figures, all: make([]measurement, len(r.measures))}
	for i, m := range r.measures {
		c.all[i] = m.start(start, from, end)
	}
	n := 0
	for _, byKind := range r.byKind {
		for _, is := range byKind {
			n += len(is)
		}
	}
	lists := make([]measurement, 0, n) // one backing array for every list
	for retry, byKind := range r.byKind {
		for k, is := range byKind {
			for _, i := range is {
				lists = append(lists, c.all[i])
			}
			c.kinds[k].ms[retry] = lists[len(lists)-len(is) : len(lists) : len(lists)]
		}
	}
	return c
}

// Observe implements sim.Observer.
func (c *Collector) Observe(e *sim.Event) {
	if c.warming {
		if e.At.UnixMilli() < c.from {
			c.warm(e)
			return
		}
		c.warming = false
	}
	k := &c.kinds[e.Kind]
	k.n++
	ms, retry := k.readers(e)
	if retry {
		k.retries++
	}
	for _, m := range ms {
		m.observe(e)
	}
}

// warm takes in an event of the warm-up.
func (c *Collector) warm(e *sim.Event) {
	k := &c.kinds[e.Kind]
	k.warm++
	ms, _ := k.readers(e)
	for _, m := range ms {
		if w, ok := m.(warmer); ok {
			w.warm(e)
		}
	}
}

// Summary returns the summary of the run so far, freshness measured up to
// the end of the run.
func (c *Collector) Summary() Summary {
	s := Summary{Start: c.start, End: c.end, Warmup: c.warmup}
	s.RunsCarried = c.kinds[sim.RunStarted].warm - c.kinds[sim.RunFinished].warm
	if c.figures > 0 {
		s.figures = make([]float64, c.figures)
	}
	var n tally
	for k := range c.kinds {
		n[k].all, n[k].retries = c.kinds[k].n, c.kinds[k].retries
	}
	for _, m := range c.all {
		m.summarise(&s, &n)
	}
	return s
}

package metrics

import (
	"time"

	"runsim/policy"
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

// Collector is a sim.Observer that builds a Summary as events stream by.
// Its memory does not grow with the horizon.
//
// With a warm-up (NewCollectorAfter) every figure is measured over
// [Start+Warmup, End): events are counted when they happen at or after
// Start+Warmup (a latency when its run finishes then, a lateness when its
// scheduled run starts then); freshness and occupancy are time-weighted
// from Start+Warmup on, with the state at that instant carried in (the
// age of the data then, the slots in use then); runs per day are over
// the measured span. What happens before it still shapes the state.
type Collector struct {
	s        Summary
	from     time.Time // Start+Warmup
	crossed  bool      // an event at or after from has been seen
	running  int       // runs in progress, to carry over the warm-up
	age      ageStats
	lateness time.Duration // sum over scheduled runs started
	occ      occupancy

	firstAttempt map[uint64]time.Time          // requests still waiting for a run, by request id (unique across clients)
	accepted     map[sim.OperationID]time.Time // first attempt of each accepted request, until its run ends
	latency      sketch
}

// NewCollector returns a collector for a run over [start, end).
func NewCollector(start, end time.Time) *Collector { return NewCollectorAfter(start, 0, end) }

// NewCollectorAfter returns a collector for a run over [start, end) that
// measures from start+warmup on (see Collector). The engine's
// configuration must carry the same warm-up (sim.Config.Warmup) for the
// occupancy to be split exactly at start+warmup.
func NewCollectorAfter(start time.Time, warmup time.Duration, end time.Time) *Collector {
	from := start.Add(warmup)
	return &Collector{
		s:            Summary{Start: start, End: end, Warmup: warmup, ScheduledSkipped: map[string]int{}},
		from:         from,
		age:          newAgeStatsFrom(start, from),
		occ:          occupancy{from: from},
		firstAttempt: map[uint64]time.Time{},
		accepted:     map[sim.OperationID]time.Time{},
	}
}

// Observe implements sim.Observer.
func (c *Collector) Observe(e *sim.Event) {
	s := &c.s
	if c.occ.observe(e) {
		return
	}
	if !c.crossed && !e.At.Before(c.from) {
		c.crossed = true
		s.RunsCarried = c.running
	}
	switch e.Kind {
	case sim.RunStarted:
		c.running++
	case sim.RunFinished:
		c.running--
	}
	if !c.crossed {
		c.warming(e)
		return
	}
	switch e.Kind {
	case sim.RequestArrived:
		s.Requests++
		if e.Attempt > 1 {
			s.Retries++
		} else {
			c.firstAttempt[e.Request] = e.At // request ids are unique across clients
		}
	case sim.Accepted:
		s.Accepted++
		c.accepted[e.Operation] = c.firstAttempt[e.Request]
		delete(c.firstAttempt, e.Request)
	case sim.Throttled:
		s.Throttled++
		if !e.Operation.IsZero() {
			s.ThrottledAccepted++
		}
	case sim.Conflict:
		s.Conflicts++
	case sim.GaveUp:
		s.GaveUp++
		delete(c.firstAttempt, e.Request)
	case sim.RunStarted:
		s.RunsStarted++
		if e.Trigger == policy.Scheduled {
			s.ScheduledRun++
			late := e.At.Sub(e.Nominal)
			c.lateness += late
			s.LatenessMax = max(s.LatenessMax, late)
		}
	case sim.RunFinished:
		if first, ok := c.accepted[e.Operation]; ok && !e.Operation.IsZero() {
			c.latency.add(float64(e.At.Sub(first).Milliseconds()))
			delete(c.accepted, e.Operation)
		}
		if e.RunStatus.Succeeded() {
			s.RunsSucceeded++
			c.age.refresh(e.At)
		} else {
			s.RunsFailed++
		}
	case sim.ScheduledDue:
		s.ScheduledDue++
	case sim.ScheduledSkipped:
		s.ScheduledSkipped[e.Reason.String()]++
	case sim.OperationChanged:
		s.Polls += e.Polls
	}
}

// warming takes in an event of the warm-up: it counts nothing, and keeps
// what later figures need (first attempts, accepted requests, the last
// successful finish).
func (c *Collector) warming(e *sim.Event) {
	switch e.Kind {
	case sim.RequestArrived:
		if e.Attempt == 1 {
			c.firstAttempt[e.Request] = e.At
		}
	case sim.Accepted:
		c.accepted[e.Operation] = c.firstAttempt[e.Request]
		delete(c.firstAttempt, e.Request)
	case sim.GaveUp:
		delete(c.firstAttempt, e.Request)
	case sim.RunFinished:
		delete(c.accepted, e.Operation)
		if e.RunStatus.Succeeded() {
			c.age.refresh(e.At)
		}
	}
}

// Summary returns the summary of the run so far, freshness measured up to
// the end of the run.
func (c *Collector) Summary() Summary {
	s := c.s
	s.ScheduledSkipped = make(map[string]int, len(c.s.ScheduledSkipped))
	for k, v := range c.s.ScheduledSkipped {
		s.ScheduledSkipped[k] = v
	}
	s.Freshness = c.age.result(s.End)
	if s.ScheduledRun > 0 {
		s.LatenessMean = (c.lateness / time.Duration(s.ScheduledRun)).Round(time.Millisecond)
	}
	if c.latency.n > 0 {
		q := c.latency.quantiles(0.5, 0.95)
		s.Latency = Latency{P50: ms(q[0]), P95: ms(q[1]), N: int(c.latency.n)}
	}
	if !c.crossed {
		s.RunsCarried = c.running
	}
	if days := s.End.Sub(c.from).Hours() / 24; days > 0 {
		s.RunsPerDay = float64(s.RunsSucceeded) / days
	}
	s.OccupancyMean = c.occ.mean(c.from, s.End)
	s.OccupancyMax = c.occ.max
	return s
}

package metrics

import (
	"time"

	"runsim/policy"
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
}

// Latency summarises request latencies.
type Latency struct {
	P50, P95 time.Duration
	N        int // requests whose run finished
}

// InProgress is the number of runs still running at the end.
func (s Summary) InProgress() int { return s.RunsStarted - s.RunsSucceeded - s.RunsFailed }

// Collector is a sim.Observer that builds a Summary as events stream by.
// Its memory does not grow with the horizon.
type Collector struct {
	s        Summary
	age      ageStats
	lateness time.Duration // sum over scheduled runs started
	occ      occupancy

	firstAttempt map[uint64]time.Time          // requests still waiting for a run, by request id (unique across clients)
	accepted     map[sim.OperationID]time.Time // first attempt of each accepted request, until its run ends
	latency      sketch
}

// NewCollector returns a collector for a run over [start, end).
func NewCollector(start, end time.Time) *Collector {
	return &Collector{
		s:            Summary{Start: start, End: end, ScheduledSkipped: map[string]int{}},
		age:          newAgeStats(start),
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
	if days := s.End.Sub(s.Start).Hours() / 24; days > 0 {
		s.RunsPerDay = float64(s.RunsSucceeded) / days
	}
	s.OccupancyMean = c.occ.mean(s.Start, s.End)
	s.OccupancyMax = c.occ.max
	return s
}

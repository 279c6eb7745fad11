package reports

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

	Freshness Freshness
}

// InProgress is the number of runs still running at the end.
func (s Summary) InProgress() int { return s.RunsStarted - s.RunsSucceeded - s.RunsFailed }

// Collector is a sim.Observer that builds a Summary as events stream by.
// Its memory does not grow with the horizon.
type Collector struct {
	s        Summary
	age      ageStats
	lateness time.Duration // sum over scheduled runs started
}

// NewCollector returns a collector for a run over [start, end).
func NewCollector(start, end time.Time) *Collector {
	return &Collector{
		s:   Summary{Start: start, End: end, ScheduledSkipped: map[string]int{}},
		age: newAgeStats(start),
	}
}

// Observe implements sim.Observer.
func (c *Collector) Observe(e *sim.Event) {
	s := &c.s
	switch e.Kind {
	case sim.RequestArrived:
		s.Requests++
		if e.Attempt > 1 {
			s.Retries++
		}
	case sim.Accepted:
		s.Accepted++
	case sim.Throttled:
		s.Throttled++
	case sim.Conflict:
		s.Conflicts++
	case sim.GaveUp:
		s.GaveUp++
	case sim.RunStarted:
		s.RunsStarted++
		if e.Trigger == policy.Scheduled {
			s.ScheduledRun++
			late := e.At.Sub(e.Nominal)
			c.lateness += late
			s.LatenessMax = max(s.LatenessMax, late)
		}
	case sim.RunFinished:
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
	return s
}

package metrics

import (
	"time"

	"runsim/policy"
	"runsim/sim"
)

// Timeline is an Observer that keeps, for one replication, what the charts
// of a report draw: runs as spans, refused requests and skipped scheduled
// runs as marks, the freshness sawtooth, the throttle's occupancy and
// cumulative counts. It keeps a point per run and per refusal, so it is
// meant for the replication a report shows, not for long sweeps.
//
// The occupancy series and the limit drawn against it come from the
// engine's SlotsChanged events: the slots in use as the throttle's own
// limiter counts them, and its capacity.
type Timeline struct {
	Start, End time.Time
	// Limit is the throttle's capacity (its limit or burst), drawn
	// against occupancy; 0 when there is no throttle to measure.
	Limit int

	Runs       []RunSpan
	Marks      []Mark
	Successes  []time.Time // when successful runs finished
	Occupancy  []Occupied  // the slots in use, at every change
	Cumulative map[string][]Step

	open map[uint64]int // run → index in Runs
	occ  occupancy
}

// A RunSpan is one run from its start to its end (End is the horizon while
// it runs on).
type RunSpan struct {
	Run        uint64
	Start, End time.Time
	Trigger    policy.Trigger
	Status     sim.RunStatus
	Finished   bool
}

// A Mark is a refused request or a skipped scheduled run.
type Mark struct {
	At     time.Time
	Kind   string // throttled, conflict, skipped
	Detail string
}

// A Step is a value from an instant on.
type Step struct {
	At    time.Time
	Value int
}

// An Occupied is the slots in use from an instant on (fractions for a token
// bucket or GCRA, which refill continuously: an Occupied is then the value at
// its instant, on the way down to the next).
type Occupied struct {
	At    time.Time
	Value float64
}

// cumulativeKinds are the events counted over time.
var cumulativeKinds = map[sim.Kind]string{
	sim.RequestArrived: "requests", sim.Accepted: "accepted", sim.Throttled: "throttled",
	sim.Conflict: "conflicts", sim.RunFinished: "runs finished", sim.ScheduledSkipped: "scheduled skipped",
}

// NewTimeline returns a recorder for a replication over [start, end).
func NewTimeline(start, end time.Time) *Timeline {
	return &Timeline{Start: start, End: end, open: map[uint64]int{}, Cumulative: map[string][]Step{}}
}

// Observe implements sim.Observer.
func (t *Timeline) Observe(e *sim.Event) {
	if t.occ.take(e) {
		t.Limit = t.occ.capacity
		if n := len(t.Occupancy); n == 0 || t.Occupancy[n-1].Value != e.Slots {
			t.Occupancy = append(t.Occupancy, Occupied{At: e.At, Value: e.Slots})
		}
		return
	}
	if name, ok := cumulativeKinds[e.Kind]; ok {
		n := len(t.Cumulative[name])
		t.Cumulative[name] = append(t.Cumulative[name], Step{At: e.At, Value: n + 1})
	}
	switch e.Kind {
	case sim.RunStarted:
		t.open[e.Run] = len(t.Runs)
		t.Runs = append(t.Runs, RunSpan{Run: e.Run, Start: e.At, End: t.End, Trigger: e.Trigger, Status: sim.Running})
	case sim.RunFinished:
		if i, ok := t.open[e.Run]; ok {
			t.Runs[i].End, t.Runs[i].Status, t.Runs[i].Finished = e.At, e.RunStatus, true
			delete(t.open, e.Run)
		}
		if e.RunStatus.Succeeded() {
			t.Successes = append(t.Successes, e.At)
		}
	case sim.Throttled:
		t.Marks = append(t.Marks, Mark{At: e.At, Kind: "throttled", Detail: e.Client})
	case sim.Conflict:
		t.Marks = append(t.Marks, Mark{At: e.At, Kind: "conflict", Detail: e.Client})
	case sim.ScheduledSkipped:
		t.Marks = append(t.Marks, Mark{At: e.At, Kind: "skipped", Detail: e.Reason.String()})
	}
}

// OccupancyMax is the most slots the throttle held in use.
func (t *Timeline) OccupancyMax() float64 { return t.occ.max }

// Freshness returns the sawtooth of data age as (instant, age) points: age
// rises from 0 at the start and drops to 0 at each success.
func (t *Timeline) Freshness() []AgePoint {
	out := []AgePoint{{At: t.Start, Age: 0}}
	last := t.Start
	for _, s := range t.Successes {
		out = append(out, AgePoint{At: s, Age: s.Sub(last)}, AgePoint{At: s, Age: 0})
		last = s
	}
	return append(out, AgePoint{At: t.End, Age: t.End.Sub(last)})
}

// An AgePoint is the age of the data at an instant.
type AgePoint struct {
	At  time.Time
	Age time.Duration
}

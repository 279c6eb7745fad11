package policy

import "fmt"

// A Trigger says why a run starts.
type Trigger uint8

const (
	// Scheduled runs are started by the service's own schedule.
	Scheduled Trigger = iota
	// OnDemand runs are started by a POST .../runs/start request.
	OnDemand
)

func (t Trigger) String() string {
	switch t {
	case Scheduled:
		return "scheduled"
	case OnDemand:
		return "onDemand"
	}
	return fmt.Sprintf("Trigger(%d)", uint8(t))
}

// An Action is what the engine does with a start asked for while a run is in
// progress.
type Action uint8

const (
	// Refuse turns the start away: an on-demand request is answered
	// 409 Conflict, a scheduled run is skipped with reason run-in-progress.
	Refuse Action = iota
	// Concurrent starts the run alongside the one in progress.
	Concurrent
)

func (a Action) String() string {
	switch a {
	case Refuse:
		return "refuse"
	case Concurrent:
		return "concurrent"
	}
	return fmt.Sprintf("Action(%d)", uint8(a))
}

// Overlap decides what happens to a start asked for while runs are in
// progress, separately for on-demand requests and scheduled runs. The zero
// value is the documented default: both are refused.
type Overlap struct {
	OnDemand  Action
	Scheduled Action
}

// Decide returns the action for a start of the given trigger while running
// runs are in progress. With nothing running every start goes ahead.
func (o Overlap) Decide(trigger Trigger, running int) Action {
	if running == 0 {
		return Concurrent
	}
	if trigger == OnDemand {
		return o.OnDemand
	}
	return o.Scheduled
}

func (o Overlap) String() string {
	od := "409 Conflict"
	if o.OnDemand == Concurrent {
		od = "runs concurrently"
	}
	sc := "skipped (reason run-in-progress)"
	if o.Scheduled == Concurrent {
		sc = "runs concurrently"
	}
	return fmt.Sprintf("on-demand start during a run: %s; scheduled run due during a run: %s", od, sc)
}

// ScheduledCounting says how system-scheduled runs meet the throttle.
type ScheduledCounting uint8

const (
	// ScheduledThrottled: scheduled runs count toward the throttle and a
	// scheduled run due while the window is full is skipped (reason
	// throttled). This keeps "at most Limit in any window" true for every
	// run, the literal reading of "the service throttles the start of runs".
	ScheduledThrottled ScheduledCounting = iota
	// ScheduledCountedNeverRefused: scheduled runs count but always start.
	ScheduledCountedNeverRefused
	// ScheduledNotCounted: scheduled runs neither count nor are throttled.
	ScheduledNotCounted
)

func (s ScheduledCounting) String() string {
	switch s {
	case ScheduledThrottled:
		return "counted and throttled"
	case ScheduledCountedNeverRefused:
		return "counted, never refused"
	case ScheduledNotCounted:
		return "not counted"
	}
	return fmt.Sprintf("ScheduledCounting(%d)", uint8(s))
}

package policy

import (
	"fmt"

	"runsim/internal/enum"
)

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

// An Action is what happens to a start asked for while a run is in
// progress.
type Action uint8

const (
	// Refuse turns the start away: an on-demand request is answered
	// 409 Conflict, a scheduled run is skipped (reason run-in-progress).
	Refuse Action = iota
	// BufferOne keeps the start waiting until the service is idle, if no
	// other start of its trigger is waiting; otherwise it is refused.
	BufferOne
	// BufferAll keeps every such start waiting, in arrival order.
	BufferAll
	// Concurrent starts the run alongside the ones in progress.
	Concurrent
	// DelayUntilIdle (scheduled runs only) keeps the scheduled run waiting
	// and starts it first when the service is idle, before buffered
	// on-demand starts; a later scheduled run due while one waits is
	// skipped.
	DelayUntilIdle
	// Start is the decision when nothing is in progress.
	Start
)

var actionNames = []string{"refuse", "buffer-one", "buffer-all", "concurrent", "delay-until-idle", "start"}

func (a Action) String() string { return enum.Name(actionNames, a, "Action") }

// Overlap decides what happens to a start asked for while runs are in
// progress, separately for on-demand requests and scheduled runs. The zero
// value is the documented default: both are refused.
type Overlap struct {
	OnDemand  Action
	Scheduled Action
}

// Decide returns what to do with a start of the given trigger while running
// runs are in progress and waiting starts of that trigger are buffered. An
// idle service starts at once (the engine never keeps a start waiting while
// idle).
func (o Overlap) Decide(trigger Trigger, running, waiting int) Action {
	if running == 0 {
		return Start
	}
	a := o.OnDemand
	if trigger == Scheduled {
		a = o.Scheduled
	}
	if (a == BufferOne || a == DelayUntilIdle) && waiting > 0 {
		return Refuse
	}
	return a
}

func (o Overlap) String() string {
	od := map[Action]string{Refuse: "409 Conflict", BufferOne: "accepted and buffered, one at a time (else 409)",
		BufferAll: "accepted and buffered, all in order", Concurrent: "runs concurrently"}[o.OnDemand]
	sc := map[Action]string{Refuse: "skipped (reason run-in-progress)", BufferOne: "buffered, one at a time (else skipped)",
		BufferAll: "buffered, all in order", Concurrent: "runs concurrently",
		DelayUntilIdle: "delayed until idle, ahead of buffered on-demand starts"}[o.Scheduled]
	return fmt.Sprintf("on-demand start during a run: %s; scheduled run due during a run: %s", od, sc)
}

// ScheduledCounting says how system-scheduled runs meet the throttle.
type ScheduledCounting uint8

const (
	// ScheduledThrottled: scheduled runs count toward the throttle and a
	// scheduled run due while it refuses is skipped (reason throttled).
	// This keeps the throttle's bound true for every run, the literal
	// reading of "the service throttles the start of runs".
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

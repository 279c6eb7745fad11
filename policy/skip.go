package policy

import (
	"errors"
	"fmt"
	"time"
)

// A SkipDecision is what an accepted on-demand start does to the schedule.
type SkipDecision struct {
	// Through, when not zero, skips every scheduled run whose nominal
	// instant is after the on-demand start and at or before Through.
	Through time.Time
	// Reanchor restarts the schedule's grid at the on-demand run: the next
	// scheduled run is one period after it.
	Reanchor bool
}

// A SkipRule decides how an on-demand start affects system-scheduled runs.
type SkipRule interface {
	// OnDemand returns the decision for an on-demand start at now, given
	// the nominal instant next of the first scheduled run after now.
	OnDemand(now, next time.Time) SkipDecision
	// FromRunStart reports whether the rule is applied when the on-demand
	// run starts (true) or when its request is accepted (false). The two
	// differ only when accepted starts wait in a buffer.
	FromRunStart() bool
	// String describes the rule for reports.
	String() string
}

// A SkipPromise is what a skip rule guarantees after an on-demand start
// at t: no scheduled run starts after t and within Lookahead of it
// (inclusive). A rule that skips the next run only keeps it while the
// schedule's period is at least the lookahead. Lookahead 0 promises
// nothing, and Reason says why.
type SkipPromise struct {
	Lookahead time.Duration
	Reason    string
}

// Holds reports whether the rule promises anything.
func (p SkipPromise) Holds() bool { return p.Lookahead > 0 }

// Breaks reports whether a scheduled run that starts at run breaks the
// promise of the on-demand start at start (the zero time: none yet).
func (p SkipPromise) Breaks(start, run time.Time) bool {
	return !start.IsZero() && run.After(start) && run.Sub(start) <= p.Lookahead
}

// SkipPromiseOf says what a skip rule (nil: none) promises: the rules that
// skip within a lookahead promise that no scheduled run starts within
// it; re-anchor and none promise nothing.
func SkipPromiseOf(r SkipRule) SkipPromise {
	switch r := r.(type) {
	case NextWithin:
		return SkipPromise{Lookahead: r.Lookahead}
	case AllWithin:
		return SkipPromise{Lookahead: r.Lookahead}
	case Reanchor:
		return SkipPromise{Reason: "re-anchor moves the schedule's grid, so the next scheduled run comes one period later"}
	}
	return SkipPromise{Reason: "on-demand starts never skip a scheduled run"}
}

func from(runStart bool) string {
	if runStart {
		return "the on-demand run's start"
	}
	return "the accepted request"
}

// NextWithin is the documented rule: "an on-demand run causes the next
// system-scheduled run to be skipped if it is set to run within the next
// 10 hours". The bound is inclusive: a run due exactly Lookahead later is
// skipped, one due a millisecond later is not.
type NextWithin struct {
	Lookahead time.Duration
	RunStart  bool // measure from the run's start rather than the acceptance
}

// Validate reports whether the rule can be used.
func (r NextWithin) Validate() error {
	if r.Lookahead < 0 {
		return errors.New("policy: skip lookahead must be >= 0")
	}
	return nil
}

// Skip reports whether a start at now skips the scheduled run due at next.
func (r NextWithin) Skip(now, next time.Time) bool {
	d := next.UnixMilli() - now.UnixMilli()
	return d >= 0 && d <= r.Lookahead.Milliseconds()
}

// OnDemand implements SkipRule.
func (r NextWithin) OnDemand(now, next time.Time) SkipDecision {
	if !next.IsZero() && r.Skip(now, next) {
		return SkipDecision{Through: next}
	}
	return SkipDecision{}
}

// FromRunStart implements SkipRule.
func (r NextWithin) FromRunStart() bool { return r.RunStart }

func (r NextWithin) String() string {
	return fmt.Sprintf("next-within: an on-demand start skips the next scheduled run if it is due within %s (inclusive) of %s",
		FormatDuration(r.Lookahead), from(r.RunStart))
}

// AllWithin skips every scheduled run due within Lookahead (inclusive) of
// an on-demand start, not only the next one.
type AllWithin struct {
	Lookahead time.Duration
	RunStart  bool
}

// OnDemand implements SkipRule.
func (r AllWithin) OnDemand(now, _ time.Time) SkipDecision {
	return SkipDecision{Through: now.Add(r.Lookahead)}
}

// FromRunStart implements SkipRule.
func (r AllWithin) FromRunStart() bool { return r.RunStart }

func (r AllWithin) String() string {
	return fmt.Sprintf("all-within: an on-demand start skips every scheduled run due within %s (inclusive) of %s",
		FormatDuration(r.Lookahead), from(r.RunStart))
}

// Reanchor moves the schedule's grid to each on-demand run: the next
// scheduled run comes one period after it, as if the on-demand run were a
// scheduled one. It needs a schedule that can move (Every).
type Reanchor struct {
	RunStart bool
}

// OnDemand implements SkipRule.
func (Reanchor) OnDemand(time.Time, time.Time) SkipDecision { return SkipDecision{Reanchor: true} }

// FromRunStart implements SkipRule.
func (r Reanchor) FromRunStart() bool { return r.RunStart }

func (r Reanchor) String() string {
	return "re-anchor: the schedule's grid restarts at " + from(r.RunStart) + "; the next scheduled run comes one period later"
}

// NoSkip never skips a scheduled run: what Temporal, Airflow and
// Kubernetes CronJob do.
type NoSkip struct{}

// OnDemand implements SkipRule.
func (NoSkip) OnDemand(time.Time, time.Time) SkipDecision { return SkipDecision{} }

// FromRunStart implements SkipRule.
func (NoSkip) FromRunStart() bool { return false }

func (NoSkip) String() string { return "none: on-demand starts never skip a scheduled run" }

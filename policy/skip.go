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
// at t (the acceptance of its request or, with RunStart, the start of its
// run): a scheduled run nominally due after t and within Lookahead of it
// (inclusive) does not start; with NextOnly, only the first one due after
// t. A promise with no Lookahead promises nothing, and Reason says why.
type SkipPromise struct {
	Lookahead time.Duration
	NextOnly  bool // only the first scheduled run due after the on-demand start
	RunStart  bool // measured from the on-demand run's start, not the acceptance
	Reason    string
}

// Holds reports whether the rule promises anything.
func (p SkipPromise) Holds() bool { return p.Lookahead > 0 }

// Covers reports whether the promise of the on-demand start at t (the
// zero time: none yet) keeps a scheduled run nominally due at nominal
// from starting, if it is the one the promise speaks of (see NextOnly).
func (p SkipPromise) Covers(t, nominal time.Time) bool {
	return p.Holds() && !t.IsZero() && nominal.After(t) && nominal.Sub(t) <= p.Lookahead
}

// SkipPromiseOf says what a skip rule (nil: none) promises: next-within
// that the first scheduled run due within its lookahead does not start,
// all-within that none due within it does; re-anchor and none promise
// nothing, nor does a lookahead of 0.
func SkipPromiseOf(r SkipRule) SkipPromise {
	var p SkipPromise
	switch r := r.(type) {
	case NextWithin:
		p = SkipPromise{Lookahead: r.Lookahead, NextOnly: true, RunStart: r.RunStart}
	case AllWithin:
		p = SkipPromise{Lookahead: r.Lookahead, RunStart: r.RunStart}
	case Reanchor:
		return SkipPromise{Reason: "re-anchor moves the schedule's grid, so the next scheduled run comes one period later"}
	default:
		return SkipPromise{Reason: "on-demand starts never skip a scheduled run"}
	}
	if !p.Holds() {
		p.Reason = "a lookahead of " + FormatDuration(p.Lookahead) + " skips no scheduled run"
	}
	return p
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

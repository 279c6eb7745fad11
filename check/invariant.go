package check

import (
	"fmt"
	"strconv"
	"time"

	"runsim/policy"
	"runsim/scenario"
	"runsim/sim"
)

func newInvariant(x *scenario.ExpectInvariant, s setup, fail func(string) *Failure) evaluator {
	expected := scenario.Invariants[x.Invariant]
	switch x.Invariant {
	case "throttle-window":
		return &windowInvariant{promise: s.promise, fail: fail, expected: expected}
	case "skip-lookahead":
		return &skipInvariant{promise: s.skip, first: first{fail: fail, expected: expected}, kept: map[time.Time]time.Time{}}
	case "one-operation":
		return &operationInvariant{first: first{fail: fail, expected: expected}, open: map[sim.OperationID][]sim.OpStatus{}, seen: map[sim.OperationID]bool{}}
	case "operations-in-order":
		return &orderInvariant{first: first{fail: fail, expected: expected}}
	}
	return nil
}

// first keeps the first failure of an invariant that fails at an event.
type first struct {
	fail     func(expected string) *Failure
	expected string // the invariant's description
	result   *Failure
}

// bad fails the invariant at e, unless it failed before.
func (f *first) bad(r *recent, e *sim.Event, got string) {
	if f.result == nil {
		f.result = f.fail(f.expected)
		f.result.Got = got
		r.blame(f.result, e)
	}
}

func (f *first) finish(*recent) *Failure { return f.result }

// promiseOf asks the configuration's throttle what the reading in force
// promises; a configuration without one (kind none) asks the limiter that
// never refuses.
func promiseOf(cfg sim.Config) policy.Promise {
	if cfg.NewThrottle == nil {
		return (&policy.Throttle{Limiter: policy.Unlimited{}}).Promise()
	}
	t, err := cfg.NewThrottle()
	if err != nil {
		return policy.Promise{Reason: "the throttle could not be built: " + err.Error()}
	}
	return t.Promise()
}

// windowInvariant: the throttle keeps the promise of the reading in force.
// It reads the engine's measurement events: right after every slot the
// throttle allowed, the slots in use (in the limiter's own meaning) are
// within the capacity the reading promises. Where the reading promises
// nothing there is nothing to hold the run to, and the expectation fails
// saying so: it never passes vacuously.
type windowInvariant struct {
	promise  policy.Promise
	fail     func(expected string) *Failure
	expected string // the invariant's description, for a reading that promises nothing
	result   *Failure
}

func (w *windowInvariant) observe(e *sim.Event, r *recent) {
	if w.result != nil || !w.promise.Holds() || e.Kind != sim.SlotsChanged || e.Change != sim.SlotTaken {
		return
	}
	c := w.promise.Capacity
	if e.Slots <= float64(c)+1e-9 {
		return
	}
	w.result = w.fail("the throttle to keep the promise of its reading: " + w.promise.Text)
	w.result.Got = fmt.Sprintf("%s slots in use at %s right after a start the throttle allowed, above the %d it promises",
		strconv.FormatFloat(e.Slots, 'g', 6, 64), instant(e.At), c)
	r.blame(w.result, nil) // the events before; those after come as they are pushed
	w.result.Context = append(w.result.Context, "> "+e.String())
}

func (w *windowInvariant) finish(*recent) *Failure {
	if !w.promise.Holds() {
		return noPromise(w.fail, w.expected, "the throttle's reading", w.promise.Reason)
	}
	return w.result
}

// noPromise is the failure of an invariant when the rule it holds the run
// to promises nothing, saying why: an invariant never passes for want of
// a promise.
func noPromise(fail func(string) *Failure, expected, rule, reason string) *Failure {
	f := fail(expected)
	f.Got = "nothing the run can be held to: " + rule + " in force makes no promise: " + reason
	return f
}

// skipInvariant: the skip rule keeps its promise (policy.SkipPromiseOf):
// after an on-demand start, the scheduled run (next-within: the first one)
// nominally due within the lookahead does not start. A rule that promises
// nothing (none, re-anchor, a lookahead of 0) fails the expectation saying
// why: it never passes for want of a promise.
type skipInvariant struct {
	first
	promise policy.SkipPromise
	since   time.Time               // the latest on-demand start the promise counts from
	armed   bool                    // next-within: the first run due after since is still to come
	kept    map[time.Time]time.Time // nominal instants the promise keeps from starting → their on-demand start
}

func (k *skipInvariant) observe(e *sim.Event, r *recent) {
	if !k.promise.Holds() {
		return
	}
	switch {
	case e.Kind == sim.Accepted && !k.promise.RunStart,
		e.Kind == sim.RunStarted && e.Trigger == policy.OnDemand && k.promise.RunStart:
		k.since, k.armed = e.At, true
	case e.Kind == sim.ScheduledDue && e.Nominal.After(k.since) && (k.armed || !k.promise.NextOnly):
		k.armed = false
		if k.promise.Covers(k.since, e.Nominal) {
			k.kept[e.Nominal] = k.since
		}
	case e.Kind == sim.ScheduledSkipped:
		delete(k.kept, e.Nominal)
	case e.Kind == sim.RunStarted && e.Trigger == policy.Scheduled:
		if since, ok := k.kept[e.Nominal]; ok {
			delete(k.kept, e.Nominal)
			k.bad(r, e, fmt.Sprintf("the scheduled run due at %s started at %s, although it is due %s after the on-demand start at %s",
				instant(e.Nominal), instant(e.At), policy.FormatDuration(e.Nominal.Sub(since)), instant(since)))
		}
	}
}

func (k *skipInvariant) finish(*recent) *Failure {
	if !k.promise.Holds() {
		return noPromise(k.fail, k.expected, "the skip rule", k.promise.Reason)
	}
	return k.result
}

// operationInvariant: each accepted request has one operation that goes
// notStarted → running → succeeded|failed, or is running at the end.
type operationInvariant struct {
	first
	open map[sim.OperationID][]sim.OpStatus
	seen map[sim.OperationID]bool
}

func (o *operationInvariant) observe(e *sim.Event, r *recent) {
	switch e.Kind {
	case sim.Accepted:
		if e.Operation.IsZero() {
			o.bad(r, e, "an accepted request without an operation")
		} else if o.seen[e.Operation] {
			o.bad(r, e, "operation "+e.Operation.String()+" given to two requests")
		}
		o.seen[e.Operation] = true
		o.open[e.Operation] = nil
	case sim.OperationChanged:
		sts, ok := o.open[e.Operation]
		if !ok {
			o.bad(r, e, "a status change of operation "+e.Operation.String()+", which no open request has")
			return
		}
		want := []sim.OpStatus{sim.OpNotStarted, sim.OpRunning}
		if len(sts) < 2 && e.OpStatus != want[len(sts)] || len(sts) == 2 && e.OpStatus != sim.OpSucceeded && e.OpStatus != sim.OpFailed {
			o.bad(r, e, fmt.Sprintf("operation %s went %v then %s", e.Operation, sts, e.OpStatus))
		}
		o.open[e.Operation] = append(sts, e.OpStatus)
		if e.OpStatus == sim.OpSucceeded || e.OpStatus == sim.OpFailed {
			delete(o.open, e.Operation)
		}
	}
}

func (o *operationInvariant) finish(r *recent) *Failure {
	if o.result != nil {
		return o.result
	}
	// At the end an operation may still be running, or not started if its
	// start waits in a buffer; an accepted request whose operation never
	// appeared is the failure.
	for id, sts := range o.open {
		if len(sts) == 0 {
			o.result = o.fail(o.expected)
			o.result.Got = fmt.Sprintf("operation %s of an accepted request never changed status", id)
			o.result.Context = r.before()
		}
	}
	return o.result
}

// orderInvariant: an operation finishes right after its run, so operations
// finish in the order of their runs.
type orderInvariant struct {
	first
	lastFinished sim.OperationID
}

func (o *orderInvariant) observe(e *sim.Event, r *recent) {
	switch {
	case e.Kind == sim.RunFinished:
		o.lastFinished = e.Operation
	case e.Kind == sim.OperationChanged && (e.OpStatus == sim.OpSucceeded || e.OpStatus == sim.OpFailed):
		if e.Operation != o.lastFinished {
			o.bad(r, e, fmt.Sprintf("operation %s finished after the run of operation %s", e.Operation, o.lastFinished))
		}
		o.lastFinished = sim.OperationID{}
	}
}

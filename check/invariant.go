package check

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"runsim/policy"
	"runsim/scenario"
	"runsim/sim"
)

func newInvariant(x *scenario.ExpectInvariant, s setup, fail func(string) *Failure) evaluator {
	expected := scenario.Invariants[x.Invariant]
	switch x.Invariant {
	case "throttle-window":
		return &windowInvariant{s: s, fail: func() *Failure { return fail(expected) }, started: map[uint64]startedRun{}}
	case "skip-lookahead":
		return &skipInvariant{lookahead: s.lookahead, fail: func() *Failure { return fail(expected) }}
	case "one-operation":
		return &operationInvariant{fail: func() *Failure { return fail(expected) }, open: map[sim.OperationID][]sim.OpStatus{}, seen: map[sim.OperationID]bool{}}
	case "operations-in-order":
		return &orderInvariant{fail: func() *Failure { return fail(expected) }}
	}
	return nil
}

// windowInvariant: no window of the throttle holds more counted runs than
// the limit. Whether a run counts is known when it finishes (a failed run
// gives its slot back) or at the end (a run in progress counts).
type windowInvariant struct {
	s       setup
	fail    func() *Failure
	started map[uint64]startedRun // runs in progress
	counted []time.Time           // counted starts, sorted, pruned
	result  *Failure
}

type startedRun struct {
	at      time.Time
	trigger policy.Trigger
}

func (w *windowInvariant) counts(r startedRun, status sim.RunStatus, finished bool) bool {
	if !w.s.throttled || r.trigger == policy.Scheduled && w.s.scheduled == "not-counted" {
		return false
	}
	return w.s.counts == "started" || !finished || status.Succeeded()
}

func (w *windowInvariant) add(t time.Time, r *recent, e *sim.Event) {
	i, _ := slices.BinarySearchFunc(w.counted, t, time.Time.Compare)
	w.counted = slices.Insert(w.counted, i, t)
	for j := max(0, i-w.s.limit); j <= i && j+w.s.limit < len(w.counted); j++ {
		if w.counted[j+w.s.limit].Sub(w.counted[j]) < w.s.window && w.result == nil {
			w.result = w.fail()
			var starts []string
			for _, c := range w.counted[j : j+w.s.limit+1] {
				starts = append(starts, instant(c))
			}
			w.result.Got = fmt.Sprintf("%d counted runs started within %s: %s", w.s.limit+1,
				policy.FormatDuration(w.s.window), strings.Join(starts, ", "))
			if r != nil {
				r.blame(w.result, e)
			}
		}
	}
}

func (w *windowInvariant) observe(e *sim.Event, r *recent) {
	switch e.Kind {
	case sim.RunStarted:
		w.started[e.Run] = startedRun{at: e.At, trigger: e.Trigger}
	case sim.RunFinished:
		run := w.started[e.Run]
		delete(w.started, e.Run)
		if w.counts(run, e.RunStatus, true) {
			w.add(run.at, r, e)
		}
		// Starts older than a window before the oldest run still in
		// progress can no longer take part in a violation.
		oldest := e.At
		for _, s := range w.started {
			if s.at.Before(oldest) {
				oldest = s.at
			}
		}
		cut := 0
		for cut < len(w.counted) && !w.counted[cut].After(oldest.Add(-w.s.window)) {
			cut++
		}
		w.counted = w.counted[cut:]
	}
}

func (w *windowInvariant) finish(r *recent) *Failure {
	for _, run := range w.started {
		if w.counts(run, sim.Running, false) {
			w.add(run.at, nil, nil)
		}
	}
	if w.result != nil && w.result.Context == nil {
		w.result.Context = r.before()
	}
	return w.result
}

// skipInvariant: no scheduled run starts within the lookahead after an
// accepted on-demand request.
type skipInvariant struct {
	lookahead    time.Duration
	fail         func() *Failure
	lastAccepted time.Time
	result       *Failure
}

func (k *skipInvariant) observe(e *sim.Event, r *recent) {
	switch {
	case e.Kind == sim.Accepted:
		k.lastAccepted = e.At
	case e.Kind == sim.RunStarted && e.Trigger == policy.Scheduled && k.result == nil:
		if !k.lastAccepted.IsZero() && e.At.Sub(k.lastAccepted) <= k.lookahead && e.At.After(k.lastAccepted) {
			k.result = k.fail()
			k.result.Got = fmt.Sprintf("a scheduled run started at %s, %s after the request accepted at %s",
				instant(e.At), policy.FormatDuration(e.At.Sub(k.lastAccepted)), instant(k.lastAccepted))
			r.blame(k.result, e)
		}
	}
}

func (k *skipInvariant) finish(*recent) *Failure { return k.result }

// operationInvariant: each accepted request has one operation that goes
// notStarted → running → succeeded|failed, or is running at the end.
type operationInvariant struct {
	fail   func() *Failure
	open   map[sim.OperationID][]sim.OpStatus
	seen   map[sim.OperationID]bool
	result *Failure
}

func (o *operationInvariant) bad(r *recent, e *sim.Event, got string) {
	if o.result == nil {
		o.result = o.fail()
		o.result.Got = got
		r.blame(o.result, e)
	}
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
			o.result = o.fail()
			o.result.Got = fmt.Sprintf("operation %s of an accepted request never changed status", id)
			o.result.Context = r.before()
		}
	}
	return o.result
}

// orderInvariant: an operation finishes right after its run, so operations
// finish in the order of their runs.
type orderInvariant struct {
	fail         func() *Failure
	lastFinished sim.OperationID
	result       *Failure
}

func (o *orderInvariant) observe(e *sim.Event, r *recent) {
	switch {
	case e.Kind == sim.RunFinished:
		o.lastFinished = e.Operation
	case e.Kind == sim.OperationChanged && (e.OpStatus == sim.OpSucceeded || e.OpStatus == sim.OpFailed):
		if e.Operation != o.lastFinished && o.result == nil {
			o.result = o.fail()
			o.result.Got = fmt.Sprintf("operation %s finished after the run of operation %s", e.Operation, o.lastFinished)
			r.blame(o.result, e)
		}
		o.lastFinished = sim.OperationID{}
	}
}

func (o *orderInvariant) finish(*recent) *Failure { return o.result }

package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"runsim/policy"
)

// RetryKind says what a client does after a refused attempt.
type RetryKind uint8

const (
	// GiveUp abandons the request.
	GiveUp RetryKind = iota
	// AfterRetryAfter tries again exactly Retry-After later; when the
	// answer carries no Retry-After it waits Delay instead.
	AfterRetryAfter
	// AfterDelay tries again Delay later.
	AfterDelay
)

func (k RetryKind) String() string {
	switch k {
	case GiveUp:
		return "give-up"
	case AfterRetryAfter:
		return "after-retry-after"
	case AfterDelay:
		return "after-delay"
	}
	return fmt.Sprintf("RetryKind(%d)", uint8(k))
}

// Retry is what a client does when an attempt is refused.
type Retry struct {
	Kind        RetryKind
	Delay       time.Duration // AfterDelay, and AfterRetryAfter without a Retry-After
	MaxAttempts int           // attempts in all, the first included; at least 1
}

func (r Retry) String() string {
	switch r.Kind {
	case AfterRetryAfter:
		return fmt.Sprintf("retry after Retry-After (else %s), at most %d attempts", fmtDur(r.Delay), r.MaxAttempts)
	case AfterDelay:
		return fmt.Sprintf("retry after %s, at most %d attempts", fmtDur(r.Delay), r.MaxAttempts)
	}
	return "give up"
}

// A Client sends on-demand start requests.
type Client struct {
	Name       string
	Arrivals   Arrivals
	OnThrottle Retry // after 429
	OnConflict Retry // after 409
}

// Config is everything one run of the engine needs. A Config may be run any
// number of times; each run builds its own throttle with NewThrottle.
type Config struct {
	Start, End time.Time // the run covers [Start, End)
	Seed       uint64

	Schedule policy.Schedule // nil: no system-scheduled runs
	// NewThrottle builds the throttle of one run; nil: starts are never
	// throttled.
	NewThrottle       func() (policy.Throttle, error)
	ScheduledCounting policy.ScheduledCounting
	Skip              policy.SkipRule // nil: no skip rule
	Overlap           policy.Overlap
	Runs              RunModel

	Clients []Client
}

// Result tells what a run of the engine did, beyond its events.
type Result struct {
	Start, End time.Time
	Events     uint64 // events reported to observers
}

type clientState struct {
	Client
	rng  *rand.Rand
	k    int
	prev time.Time
}

type engine struct {
	cfg       Config
	observers []Observer
	ev        Event
	events    uint64

	now      int64 // Unix milliseconds
	end      int64
	q        queue
	throttle policy.Throttle
	runsRng  *rand.Rand
	clients  []clientState

	running            int
	lastRun, lastOp    uint64
	lastRequest        uint64
	nextDue            int64 // nominal instant of the next scheduled run, or noDue
	skipDue, skipCause int64 // a scheduled run marked skipped by an on-demand start
	scheduleConfigured bool
}

const noDue = int64(-1 << 63)

// Validate reports whether c can be run.
func (c *Config) Validate() error {
	switch {
	case !c.End.After(c.Start):
		return errors.New("sim: End must be after Start")
	case c.Runs == nil:
		return errors.New("sim: no run model")
	}
	for i, cl := range c.Clients {
		if cl.Arrivals == nil {
			return fmt.Errorf("sim: client %d (%s) has no arrivals", i, cl.Name)
		}
		for _, r := range []Retry{cl.OnThrottle, cl.OnConflict} {
			if r.Kind != GiveUp && r.MaxAttempts < 1 {
				return fmt.Errorf("sim: client %s: max attempts must be >= 1", cl.Name)
			}
		}
	}
	return nil
}

// Run simulates cfg from Start to End and reports every event to the
// observers, in order. Errors are for a Config that cannot be run; what
// happens in the simulation is reported as events.
func Run(cfg Config, observers ...Observer) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	e := &engine{
		cfg:       cfg,
		observers: observers,
		now:       cfg.Start.UnixMilli(),
		end:       cfg.End.UnixMilli(),
		runsRng:   NewStream(cfg.Seed, "runs"),
		nextDue:   noDue,
		skipDue:   noDue,
	}
	if cfg.NewThrottle != nil {
		t, err := cfg.NewThrottle()
		if err != nil {
			return Result{}, err
		}
		e.throttle = t
	}
	if cfg.Schedule != nil {
		e.scheduleNext(cfg.Schedule.Next(cfg.Start))
	}
	e.clients = make([]clientState, len(cfg.Clients))
	for i, c := range cfg.Clients {
		e.clients[i] = clientState{Client: c, rng: NewStream(cfg.Seed, "client/"+c.Name), prev: cfg.Start}
		e.nextArrival(i)
	}
	for e.q.len() > 0 {
		w := e.q.pop()
		e.now = w.at
		switch w.what {
		case workFinish:
			e.finish(w)
		case workScheduled:
			e.scheduled(w.at)
		case workArrival:
			e.lastRequest++
			e.request(int(w.client), e.lastRequest, 1)
			e.nextArrival(int(w.client))
		case workRetry:
			e.request(int(w.client), w.id, int(w.attempt))
		}
	}
	return Result{Start: cfg.Start, End: cfg.End, Events: e.events}, nil
}

func (e *engine) at(ms int64) time.Time { return time.UnixMilli(ms).UTC() }

// emit starts a new event of kind k at the current instant; the caller sets
// its other fields and calls send.
func (e *engine) emit(k Kind) *Event {
	e.ev = Event{At: e.at(e.now), Kind: k}
	return &e.ev
}

func (e *engine) send() {
	e.events++
	for _, o := range e.observers {
		o.Observe(&e.ev)
	}
}

func (e *engine) push(w work) {
	if w.at < e.end {
		e.q.push(w)
	}
}

func (e *engine) scheduleNext(t time.Time) {
	e.nextDue = t.UnixMilli()
	e.push(work{at: e.nextDue, prio: prioScheduled, what: workScheduled})
}

func (e *engine) nextArrival(i int) {
	c := &e.clients[i]
	t, ok := c.Arrivals.Next(c.k, c.prev, c.rng)
	if !ok {
		return
	}
	c.k++
	c.prev = t
	ms := t.UnixMilli()
	if ms < e.now {
		ms = e.now // a process may not go back in time
	}
	e.push(work{at: ms, prio: prioRequest, what: workArrival, client: int32(i)})
}

func (e *engine) scheduled(nominal int64) {
	e.emit(ScheduledDue).Nominal = e.at(nominal)
	e.send()
	e.scheduleNext(e.cfg.Schedule.Next(e.at(nominal + 1)))

	if e.skipDue == nominal {
		ev := e.skip(nominal, SkipOnDemand)
		ev.Cause = e.at(e.skipCause)
		e.send()
		return
	}
	if e.cfg.Overlap.Decide(policy.Scheduled, e.running) == policy.Refuse {
		e.skip(nominal, SkipRunInProgress)
		e.send()
		return
	}
	if e.throttle != nil && e.cfg.ScheduledCounting == policy.ScheduledThrottled {
		if v := e.throttle.Check(e.at(e.now)); !v.Allow {
			e.skip(nominal, SkipThrottled).RetryAfter = v.RetryAfter
			e.send()
			return
		}
	}
	e.startRun(policy.Scheduled, 0, e.cfg.ScheduledCounting != policy.ScheduledNotCounted)
}

func (e *engine) skip(nominal int64, why SkipReason) *Event {
	ev := e.emit(ScheduledSkipped)
	ev.Nominal = e.at(nominal)
	ev.Reason = why
	return ev
}

func (e *engine) request(i int, request uint64, attempt int) {
	c := &e.clients[i]
	ev := e.emit(RequestArrived)
	ev.Client, ev.Request, ev.Attempt = c.Name, request, attempt
	e.send()

	if e.cfg.Overlap.Decide(policy.OnDemand, e.running) == policy.Refuse {
		e.refused(Conflict, i, request, attempt, 0)
		return
	}
	if e.throttle != nil {
		if v := e.throttle.Check(e.at(e.now)); !v.Allow {
			e.refused(Throttled, i, request, attempt, v.RetryAfter)
			return
		}
	}
	e.lastOp++
	op := operationID(e.cfg.Seed, e.lastOp)
	ev = e.emit(Accepted)
	ev.Client, ev.Request, ev.Attempt, ev.Operation = c.Name, request, attempt, op
	e.send()
	e.opChanged(op, OpNotStarted)

	if e.cfg.Skip != nil && e.nextDue != noDue && e.skipDue != e.nextDue &&
		e.cfg.Skip.Skip(e.at(e.now), e.at(e.nextDue)) {
		e.skipDue, e.skipCause = e.nextDue, e.now
	}
	e.startRun(policy.OnDemand, e.lastOp, true)
}

func (e *engine) refused(k Kind, i int, request uint64, attempt int, retryAfter time.Duration) {
	c := &e.clients[i]
	ev := e.emit(k)
	ev.Client, ev.Request, ev.Attempt, ev.RetryAfter = c.Name, request, attempt, retryAfter
	e.send()

	r := c.OnThrottle
	if k == Conflict {
		r = c.OnConflict
	}
	if r.Kind == GiveUp || attempt >= r.MaxAttempts {
		ev = e.emit(GaveUp)
		ev.Client, ev.Request, ev.Attempt = c.Name, request, attempt
		e.send()
		return
	}
	wait := r.Delay
	if r.Kind == AfterRetryAfter && retryAfter > 0 {
		wait = retryAfter
	}
	next := e.now + wait.Milliseconds()
	ev = e.emit(RetryScheduled)
	ev.Client, ev.Request, ev.Attempt, ev.Next = c.Name, request, attempt+1, e.at(next)
	e.send()
	e.push(work{at: next, prio: prioRequest, what: workRetry, client: int32(i), id: request, attempt: int32(attempt + 1)})
}

func (e *engine) startRun(trigger policy.Trigger, opNum uint64, counted bool) {
	e.lastRun++
	run := e.lastRun
	dur, status := e.cfg.Runs.Draw(trigger, e.runsRng)
	e.running++
	counted = counted && e.throttle != nil
	if counted {
		e.throttle.Record(e.at(e.now), run)
	}
	ev := e.emit(RunStarted)
	ev.Run, ev.Trigger = run, trigger
	if opNum != 0 {
		ev.Operation = operationID(e.cfg.Seed, opNum)
	}
	e.send()
	if opNum != 0 {
		e.opChanged(ev.Operation, OpRunning)
	}
	ms := dur.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	e.push(work{at: e.now + ms, prio: prioFinish, what: workFinish, id: run, op: opNum,
		status: status, trigger: uint8(trigger), counted: counted})
}

func (e *engine) finish(w work) {
	e.running--
	if w.counted {
		e.throttle.Settle(e.at(e.now), w.id, w.status.Succeeded())
	}
	ev := e.emit(RunFinished)
	ev.Run, ev.Trigger, ev.RunStatus = w.id, policy.Trigger(w.trigger), w.status
	if w.op != 0 {
		ev.Operation = operationID(e.cfg.Seed, w.op)
	}
	e.send()
	if w.op != 0 {
		st := OpFailed
		if w.status.Succeeded() {
			st = OpSucceeded
		}
		e.opChanged(ev.Operation, st)
	}
}

func (e *engine) opChanged(op OperationID, st OpStatus) {
	ev := e.emit(OperationChanged)
	ev.Operation, ev.OpStatus = op, st
	e.send()
}

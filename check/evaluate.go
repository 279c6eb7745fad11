package check

import (
	"fmt"
	"strings"
	"time"

	"runsim/policy"
	"runsim/scenario"
	"runsim/sim"
)

// An evaluator checks one expectation on one replication, event by event.
type evaluator interface {
	// observe sees every event, before it enters the recent ring.
	observe(e *sim.Event, r *recent)
	// finish closes the run; it returns the failure, if any.
	finish(r *recent) *Failure
}

// setup is what evaluators need of the scenario.
type setup struct {
	start   time.Time
	seed    uint64
	promise policy.Promise     // what the throttle's reading promises
	skip    policy.SkipPromise // what the skip rule promises
}

// newSetup is the setup of a scenario run with cfg; each replication sets
// its seed.
func newSetup(s *scenario.Scenario, cfg sim.Config) setup {
	return setup{
		start:   s.File.Start.Time,
		promise: promiseOf(cfg),
		skip:    policy.SkipPromiseOf(cfg.Skip),
	}
}

// newEvaluator returns the evaluator of an expectation's kind, nil for a
// metric (evaluated over replications, see Run). A kind or an invariant it
// does not know is an error, never an expectation that holds.
func newEvaluator(x *scenario.Expectation, s setup) (evaluator, error) {
	f := func(expected string) *Failure { return &Failure{Expectation: x.Name, Expected: expected, Seed: s.seed} }
	switch k := x.What.(type) {
	case *scenario.ExpectCount:
		kind, _ := sim.ParseKind(k.Event)
		return &countEval{x: k, kind: kind, fail: f}, nil
	case *scenario.ExpectRequest:
		return &requestEval{x: k, awaited: awaited{at: k.At.At(s.start), fail: f}}, nil
	case *scenario.ExpectScheduled:
		return &scheduledEval{x: k, awaited: awaited{at: k.Due.At(s.start), fail: f}, start: s.start}, nil
	case *scenario.ExpectNone:
		kind, _ := sim.ParseKind(k.Event)
		return &noneEval{x: k, kind: kind, from: k.From.At(s.start), to: k.To.At(s.start), fail: f}, nil
	case *scenario.ExpectInvariant:
		if ev := newInvariant(k, s, f); ev != nil {
			return ev, nil
		}
		return nil, fmt.Errorf("expectation %q: check has no evaluator for invariant %q", x.Name, k.Invariant)
	case *scenario.ExpectMetric:
		return nil, nil
	}
	if x.What == nil {
		return nil, fmt.Errorf("expectation %q: says nothing to check", x.Name)
	}
	return nil, fmt.Errorf("expectation %q: check has no evaluator for %s expectations", x.Name, x.Kind())
}

// matches applies a filter to an event.
func matches(x scenario.Filter, e *sim.Event) bool {
	if x.Client != "" && e.Client != x.Client {
		return false
	}
	if x.Attempt != 0 && e.Attempt != x.Attempt {
		return false
	}
	if x.Reason != "" && e.Reason.String() != x.Reason {
		return false
	}
	if x.Trigger != "" && (e.Kind != sim.RunStarted && e.Kind != sim.RunFinished || e.Trigger.String() != x.Trigger) {
		return false
	}
	if x.Status != "" {
		switch e.Kind {
		case sim.RunFinished:
			return e.RunStatus.String() == x.Status
		case sim.OperationChanged:
			return e.OpStatus.String() == x.Status
		}
		return false
	}
	return true
}

// describe says which events a filter lets through, e.g.
// "throttled events with client admin".
func describe(kind string, x scenario.Filter) string {
	var f []string
	for _, kv := range [][2]string{{"client", x.Client}, {"reason", x.Reason}, {"status", x.Status}, {"trigger", x.Trigger}} {
		if kv[1] != "" {
			f = append(f, kv[0]+" "+kv[1])
		}
	}
	if x.Attempt != 0 {
		f = append(f, fmt.Sprintf("attempt %d", x.Attempt))
	}
	if len(f) == 0 {
		return kind + " events"
	}
	return kind + " events with " + strings.Join(f, ", ")
}

// bounds says what eq, min and max ask for, e.g. "at most 3".
func bounds(eq, lo, hi *scenario.Bound, format func(float64) string) string {
	switch {
	case eq != nil:
		return "exactly " + format(float64(*eq))
	case lo != nil && hi != nil:
		return fmt.Sprintf("between %s and %s", format(float64(*lo)), format(float64(*hi)))
	case lo != nil:
		return "at least " + format(float64(*lo))
	}
	return "at most " + format(float64(*hi))
}

func count(v float64) string { return fmt.Sprintf("%g", v) }

// countEval: how many events of a kind.
type countEval struct {
	x    *scenario.ExpectCount
	kind sim.Kind
	fail func(string) *Failure
	n    int
	over *Failure // set at the first event past the maximum
}

func (c *countEval) max() (float64, bool) {
	switch {
	case c.x.Eq != nil:
		return float64(*c.x.Eq), true
	case c.x.Max != nil:
		return float64(*c.x.Max), true
	}
	return 0, false
}

func (c *countEval) expected() string {
	return bounds(c.x.Eq, c.x.Min, c.x.Max, count) + " " + describe(c.kind.String(), c.x.Filter())
}

func (c *countEval) observe(e *sim.Event, r *recent) {
	if e.Kind != c.kind || !matches(c.x.Filter(), e) {
		return
	}
	c.n++
	if m, ok := c.max(); ok && float64(c.n) > m && c.over == nil {
		c.over = c.fail(c.expected())
		r.blame(c.over, e)
	}
}

func (c *countEval) finish(*recent) *Failure {
	n := float64(c.n)
	ok := true
	switch {
	case c.x.Eq != nil:
		ok = n == float64(*c.x.Eq)
	default:
		ok = (c.x.Min == nil || n >= float64(*c.x.Min)) && (c.x.Max == nil || n <= float64(*c.x.Max))
	}
	if ok {
		return nil
	}
	f := c.over
	if f == nil {
		f = c.fail(c.expected())
	}
	f.Got = fmt.Sprintf("%d", c.n)
	if c.over != nil {
		m, _ := c.max()
		f.Got += fmt.Sprintf(" (the one marked > is number %d)", int(m)+1)
	}
	return f
}

// awaited is what an evaluator of one event at an instant keeps: done
// once the event came or the instant passed, with the failure if any.
type awaited struct {
	at     time.Time
	fail   func(string) *Failure
	done   bool
	result *Failure
}

// failed closes the wait with a failure: expected, got, blamed on e (nil:
// the events before).
func (a *awaited) failed(r *recent, e *sim.Event, expected, got string) {
	a.done = true
	a.result = a.fail(expected)
	a.result.Got = got
	r.blame(a.result, e)
}

// finished is the failure at the end of the run: got, when nothing
// happened at or after the instant.
func (a *awaited) finished(r *recent, expected, got string) *Failure {
	if !a.done {
		a.result = a.fail(expected)
		a.result.Got = got
		a.result.Context = r.before()
	}
	return a.result
}

// requestEval: the answer to the request that arrived at an instant.
type requestEval struct {
	awaited
	x       *scenario.ExpectRequest
	waiting bool
	client  string
	request uint64
	attempt int
}

func (q *requestEval) expected() string {
	who := "the request"
	if q.x.Client != "" {
		who += " of client " + q.x.Client
	}
	if q.x.Attempt != 0 {
		who += fmt.Sprintf(" (attempt %d)", q.x.Attempt)
	}
	s := fmt.Sprintf("%s at %s to be %s", who, instant(q.at), q.x.Answer)
	if q.x.RetryAfter != nil {
		s += " with Retry-After " + policy.FormatDuration(time.Duration(*q.x.RetryAfter))
	}
	return s
}

func (q *requestEval) observe(e *sim.Event, r *recent) {
	if q.done {
		return
	}
	if q.waiting {
		if e.Client != q.client || e.Request != q.request || e.Attempt != q.attempt {
			return
		}
		q.done = true
		got := e.Kind.String()
		if e.Kind == sim.Throttled {
			got += " with Retry-After " + policy.FormatDuration(e.RetryAfter)
		}
		ok := e.Kind.String() == q.x.Answer
		if ok && q.x.RetryAfter != nil {
			ok = e.RetryAfter == time.Duration(*q.x.RetryAfter)
		}
		if !ok {
			q.failed(r, e, q.expected(), got)
		}
		return
	}
	if e.At.After(q.at) {
		q.failed(r, nil, q.expected(), "no such request arrived then")
		return
	}
	if e.Kind == sim.RequestArrived && e.At.Equal(q.at) && matches(q.x.Filter(), e) {
		q.waiting, q.client, q.request, q.attempt = true, e.Client, e.Request, e.Attempt
	}
}

func (q *requestEval) finish(r *recent) *Failure {
	return q.finished(r, q.expected(), "no such request arrived (nothing happened at or after that instant)")
}

func instant(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// scheduledEval: what became of the scheduled run due at an instant.
type scheduledEval struct {
	awaited
	x       *scenario.ExpectScheduled
	start   time.Time
	waiting bool
}

func (s *scheduledEval) expected() string {
	e := fmt.Sprintf("the scheduled run due at %s to have %s", instant(s.at), s.x.Outcome)
	if s.x.Reason != "" {
		e += " (reason " + s.x.Reason
		if s.x.Cause != nil {
			e += ", caused by the request accepted at " + instant(s.x.Cause.At(s.start))
		}
		e += ")"
	}
	return e
}

func (s *scheduledEval) observe(e *sim.Event, r *recent) {
	if s.done {
		return
	}
	if s.waiting {
		var got string
		switch {
		case e.Kind == sim.RunStarted && e.Trigger == policy.Scheduled:
			got = "ran"
		case e.Kind == sim.ScheduledSkipped:
			got = "skipped (reason " + e.Reason.String()
			if e.Reason == sim.SkipOnDemand {
				got += ", caused by the request accepted at " + instant(e.Cause)
			}
			got += ")"
		default:
			return
		}
		s.done = true
		ok := got == "ran" && s.x.Outcome == "ran" ||
			e.Kind == sim.ScheduledSkipped && s.x.Outcome == "skipped" &&
				(s.x.Reason == "" || e.Reason.String() == s.x.Reason) &&
				(s.x.Cause == nil || e.Cause.Equal(s.x.Cause.At(s.start)))
		if !ok {
			s.failed(r, e, s.expected(), got)
		}
		return
	}
	if e.Kind == sim.ScheduledDue && e.Nominal.Equal(s.at) {
		s.waiting = true
		return
	}
	if e.At.After(s.at) {
		s.failed(r, nil, s.expected(), "no scheduled run was due then")
	}
}

func (s *scheduledEval) finish(r *recent) *Failure {
	return s.finished(r, s.expected(), "no scheduled run was due then (nothing happened at or after that instant)")
}

// noneEval: no event of a kind in [from, to).
type noneEval struct {
	x        *scenario.ExpectNone
	kind     sim.Kind
	from, to time.Time
	fail     func(string) *Failure
	result   *Failure
	n        int
}

func (z *noneEval) observe(e *sim.Event, r *recent) {
	if e.Kind != z.kind || e.At.Before(z.from) || !e.At.Before(z.to) || !matches(z.x.Filter(), e) {
		return
	}
	z.n++
	if z.result == nil {
		z.result = z.fail(fmt.Sprintf("no %s from %s to %s", describe(z.kind.String(), z.x.Filter()), instant(z.from), instant(z.to)))
		r.blame(z.result, e)
	}
}

func (z *noneEval) finish(*recent) *Failure {
	if z.result != nil {
		z.result.Got = fmt.Sprintf("%d, the first marked >", z.n)
	}
	return z.result
}

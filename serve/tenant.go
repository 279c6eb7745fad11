package serve

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"runsim/metrics"
	"runsim/policy"
	"runsim/sim"
)

// operation is a longRunningOperation, as the engine's events leave it.
type operation struct {
	id            string
	created, last time.Time
	status        sim.OpStatus
	run           *run // nil until the run starts
	// refused is the statusDetail of the operation of a start the
	// throttle refused under refusal: accepted-then-failed; "" otherwise.
	refused string
}

// run is an industryDataRun.
type run struct {
	n       uint64
	id      string
	trigger policy.Trigger
	start   time.Time
	end     time.Time // zero while running
	status  sim.RunStatus
}

// tenant is the service of one tenant: its engine, a metrics collector
// that has seen every event since the start (the summary so far is read
// from it), the Graph resources built from the engine's events, and the
// latest events of its trace. Nothing is kept per request: operations and
// runs grow with the runs started, at most the throttle's limit per
// window; the operations of refused starts (refusal: accepted-then-failed)
// are kept only for the latest KeptRefusedOperations.
type tenant struct {
	mu   sync.Mutex
	id   string
	seed uint64
	eng  *sim.Engine
	col  *metrics.Collector

	ops     map[string]*operation
	refused []string // ids of the operations of refused starts, a ring of the latest
	nextRef int      // where the next one goes once refused is full
	forgot  uint64   // operations of refused starts forgotten
	runs    []*run   // in start order
	runIDs  map[string]*run
	runNs   map[uint64]*run

	trace traceRing
}

// KeptRefusedOperations is how many operations of refused starts
// (refusal: accepted-then-failed, each answered 202 with a Location) a
// tenant keeps, the latest; an older one is answered 404.
const KeptRefusedOperations = 4096

func newTenant(id string, cfg sim.Config, traceCap int, extra []sim.Observer) (*tenant, error) {
	t := &tenant{id: id, seed: cfg.Seed, trace: traceRing{max: traceCap},
		col: metrics.NewCollectorAfter(cfg.Start, cfg.Warmup, cfg.End),
		ops: map[string]*operation{}, runIDs: map[string]*run{}, runNs: map[uint64]*run{}}
	eng, err := sim.New(cfg, append([]sim.Observer{t, t.col}, extra...)...)
	if err != nil {
		return nil, err
	}
	t.eng = eng
	return t, nil
}

// Observe implements sim.Observer: it keeps the resources and the trace.
func (t *tenant) Observe(e *sim.Event) {
	t.trace.add(e)
	switch e.Kind {
	case sim.Accepted:
		id := e.Operation.String()
		t.ops[id] = &operation{id: id, created: e.At, last: e.At, status: sim.OpNotStarted}
	case sim.Throttled:
		if !e.Operation.IsZero() { // answered 202: its operation fails
			id := e.Operation.String()
			t.ops[id] = &operation{id: id, created: e.At, last: e.At, status: sim.OpNotStarted,
				refused: "TooManyRequests: " + throttledText(e.RetryAfter)}
			t.keepRefused(id)
		}
	case sim.RunStarted:
		r := &run{n: e.Run, id: guid(t.seed, saltRun, e.Run), trigger: e.Trigger, start: e.At, status: sim.Running}
		t.runs = append(t.runs, r)
		t.runIDs[r.id] = r
		t.runNs[r.n] = r
		if op := t.ops[e.Operation.String()]; !e.Operation.IsZero() && op != nil {
			op.run = r
		}
	case sim.RunFinished:
		if r := t.runNs[e.Run]; r != nil {
			r.end, r.status = e.At, e.RunStatus
			delete(t.runNs, e.Run) // finished runs are found by id only
		}
	case sim.OperationChanged:
		if op := t.ops[e.Operation.String()]; op != nil {
			op.status, op.last = e.OpStatus, e.At
		}
	}
}

// keepRefused keeps the operation of a refused start among the latest
// KeptRefusedOperations, forgetting the oldest.
func (t *tenant) keepRefused(id string) {
	if len(t.refused) < KeptRefusedOperations {
		t.refused = append(t.refused, id)
		return
	}
	delete(t.ops, t.refused[t.nextRef])
	t.forgot++
	t.refused[t.nextRef] = id
	t.nextRef = (t.nextRef + 1) % KeptRefusedOperations
}

// sync advances the tenant's engine to now (under t.mu), doing the work
// due at now too, so that a request comes after it.
func (t *tenant) sync(now time.Time) error {
	if now.Before(t.eng.Now()) {
		return nil
	}
	return t.eng.AdvanceTo(now)
}

// summary is what runsim run says of the session so far (under t.mu, the
// engine at now): the run over [start, now] to the millisecond, read from
// the live collector with the engine's closing measurement at now+1ms
// taken on a copy. Nothing is replayed and nothing changes.
func (t *tenant) summary(now time.Time) metrics.Summary {
	end := now.Add(time.Millisecond)
	if ev, ok := t.eng.Closing(end); ok {
		return t.col.SummaryAt(end, ev)
	}
	return t.col.SummaryAt(end)
}

// ErrTraceTruncated is returned for a trace of which the emulator no longer
// keeps every event.
var ErrTraceTruncated = errors.New("serve: the emulator no longer keeps the whole trace")

// traceRing keeps the latest max events of a trace (measurement events
// left out, as trace writers leave them out).
type traceRing struct {
	max    int         // < 0: none kept
	events []sim.Event // grows to max, then a ring
	next   int         // the oldest event once full: where the next one goes
	seen   uint64      // trace events so far
}

func (r *traceRing) add(e *sim.Event) {
	if e.Kind.Measurement() {
		return
	}
	r.seen++
	switch {
	case r.max <= 0:
	case len(r.events) < r.max:
		r.events = append(r.events, *e)
	default:
		r.events[r.next] = *e
		r.next = (r.next + 1) % r.max
	}
}

// dropped is how many of the first events are no longer kept.
func (r *traceRing) dropped() uint64 { return r.seen - uint64(len(r.events)) }

// each calls f on the events kept, oldest first.
func (r *traceRing) each(f func(e *sim.Event)) {
	for i := range r.events {
		f(&r.events[(r.next+i)%len(r.events)])
	}
}

// whole returns ErrTraceTruncated, saying how much, unless every event is
// kept.
func (r *traceRing) whole() error {
	n := r.dropped()
	switch {
	case n > 0 && r.max <= 0:
		return fmt.Errorf("%w: it keeps none (runsim serve --trace-events 0, Options.TraceEvents < 0)", ErrTraceTruncated)
	case n > 0:
		return fmt.Errorf("%w: it has %d events and the emulator keeps the latest %d (runsim serve --trace-events, Options.TraceEvents); the first %d were dropped",
			ErrTraceTruncated, r.seen, r.max, n)
	}
	return nil
}

// writeTrace writes the events kept (under t.mu), the whole trace or,
// with tail, what is left of it; it returns how many of the first events
// were dropped.
func (t *tenant) writeTrace(w io.Writer, f sim.TraceFormat, tail bool) (dropped uint64, err error) {
	if err := t.trace.whole(); err != nil && !tail {
		return t.trace.dropped(), err
	}
	tw := sim.NewTraceWriter(w, f)
	t.trace.each(tw.Observe)
	return t.trace.dropped(), tw.Flush()
}

// requests returns the instants of the first attempts of client's
// requests, from the whole trace (under t.mu).
func (t *tenant) requests(client string) ([]time.Time, error) {
	if err := t.trace.whole(); err != nil {
		return nil, err
	}
	var out []time.Time
	t.trace.each(func(e *sim.Event) {
		if e.Kind == sim.RequestArrived && e.Client == client && e.Attempt <= 1 {
			out = append(out, e.At)
		}
	})
	return out, nil
}

// listRuns returns up to top runs from the skip-th, and whether more follow.
func (t *tenant) listRuns(skip, top int) ([]*run, bool) {
	if skip >= len(t.runs) {
		return nil, false
	}
	end := min(len(t.runs), skip+top)
	return t.runs[skip:end], end < len(t.runs)
}

// sortedTenantIDs returns the ids of ts, the default tenant first.
func sortedTenantIDs(ts map[string]*tenant) []string {
	ids := make([]string, 0, len(ts))
	for id := range ts {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		if (ids[i] == DefaultTenant) != (ids[j] == DefaultTenant) {
			return ids[i] == DefaultTenant
		}
		return ids[i] < ids[j]
	})
	return ids
}

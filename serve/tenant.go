package serve

import (
	"errors"
	"io"
	"sort"
	"sync"
	"time"

	"runsim/experiment"
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

// tenant is the service of one tenant: its engine, the Graph resources
// built from the engine's events, the trace so far and the instants of the
// requests it answered.
type tenant struct {
	mu   sync.Mutex
	id   string
	seed uint64
	eng  *sim.Engine

	ops    map[string]*operation
	runs   []*run // in start order
	runIDs map[string]*run
	runNs  map[uint64]*run

	trace     []sim.Event
	traceCap  int // < 0: keep none
	truncated bool
	times     []int64 // instants of the requests taken (Unix ms), for replay
}

func newTenant(id string, cfg sim.Config, traceCap int, extra []sim.Observer) (*tenant, error) {
	t := &tenant{id: id, seed: cfg.Seed, traceCap: traceCap,
		ops: map[string]*operation{}, runIDs: map[string]*run{}, runNs: map[uint64]*run{}}
	eng, err := sim.New(cfg, append([]sim.Observer{t}, extra...)...)
	if err != nil {
		return nil, err
	}
	t.eng = eng
	return t, nil
}

// Observe implements sim.Observer: it keeps the resources and the trace.
func (t *tenant) Observe(e *sim.Event) {
	switch {
	case t.traceCap < 0:
	case len(t.trace) < t.traceCap:
		t.trace = append(t.trace, *e)
	default:
		t.truncated = true
	}
	switch e.Kind {
	case sim.Accepted:
		id := e.Operation.String()
		t.ops[id] = &operation{id: id, created: e.At, last: e.At, status: sim.OpNotStarted}
	case sim.Throttled:
		if !e.Operation.IsZero() { // answered 202: its operation fails
			id := e.Operation.String()
			t.ops[id] = &operation{id: id, created: e.At, last: e.At, status: sim.OpNotStarted,
				refused: "TooManyRequests: " + throttledText(e.RetryAfter)}
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

// sync advances the tenant's engine to now (under t.mu), doing the work
// due at now too, so that a request comes after it.
func (t *tenant) sync(now time.Time) error {
	if now.Before(t.eng.Now()) {
		return nil
	}
	return t.eng.AdvanceTo(now)
}

// ErrTraceTruncated is returned for a trace longer than the emulator keeps.
var ErrTraceTruncated = errors.New("serve: the trace is longer than the emulator keeps (Options.TraceEvents)")

// writeTrace writes the trace so far (under t.mu).
func (t *tenant) writeTrace(w io.Writer, f sim.TraceFormat) error {
	if t.truncated || t.traceCap < 0 {
		return ErrTraceTruncated
	}
	tw := sim.NewTraceWriter(w, f)
	for i := range t.trace {
		tw.Observe(&t.trace[i])
	}
	return tw.Flush()
}

// replay runs the tenant's session again from the start, with its requests
// as the explicit arrivals of the emulator's client, up to and including
// now, and returns the summary: what runsim run says of the same requests.
func (t *tenant) replay(cfg sim.Config, client string, now time.Time, observers ...sim.Observer) (metrics.Summary, error) {
	cfg.End = now.Add(time.Millisecond)
	cfg.Clients = append([]sim.Client(nil), cfg.Clients...)
	for i := range cfg.Clients {
		if cfg.Clients[i].Name == client {
			at := make(sim.At, len(t.times))
			for k, ms := range t.times {
				at[k] = time.UnixMilli(ms).UTC()
			}
			cfg.Clients[i].Arrivals = at
		}
	}
	return experiment.Measure(cfg, observers...) // [start, now] in milliseconds
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

package check

import (
	"fmt"
	"strings"

	"runsim/sim"
)

// A Failure is an expectation that did not hold.
type Failure struct {
	Expectation string   // its name
	Expected    string   // what it asked for
	Got         string   // what happened
	Seed        uint64   // the seed of the replication that failed
	Context     []string // trace lines around the failure; "> " marks the culprit
}

func (f *Failure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "expectation %q: expected %s; got %s", f.Expectation, f.Expected, f.Got)
	if len(f.Context) > 0 {
		fmt.Fprintf(&b, "\nevents around it (seed %d):", f.Seed)
		for _, l := range f.Context {
			b.WriteString("\n  ")
			b.WriteString(l)
		}
	}
	return b.String()
}

const (
	contextBefore = 4
	contextAfter  = 3
)

// recent keeps the last events seen, as values, and completes the context
// of failures with the events that follow them. Lines are formatted only
// when a failure asks for them.
type recent struct {
	ring    [contextBefore]sim.Event
	n       int // events seen
	pending []pendingContext
}

// pendingContext is a failure still taking the lines that follow it.
type pendingContext struct {
	f     *Failure
	want  int // lines still to take
	since int // the event count at blame; the blamed event itself is not "after"
}

func (r *recent) push(e *sim.Event) {
	if e.Kind.Measurement() {
		return // not a trace line
	}
	kept := r.pending[:0]
	for _, p := range r.pending {
		if r.n > p.since || p.since < 0 {
			p.f.Context = append(p.f.Context, "  "+e.String())
			p.want--
		}
		if p.want > 0 {
			kept = append(kept, p)
		}
	}
	r.pending = kept
	r.ring[r.n%contextBefore] = *e
	r.n++
}

// blame sets f's context to the events before the current one, the current
// one marked, and the next few as they come. Call it before push(e).
func (r *recent) blame(f *Failure, e *sim.Event) {
	f.Context = r.before()
	since := -1 // no event marked: the current one is the first after
	if e != nil {
		f.Context = append(f.Context, "> "+e.String())
		since = r.n
	}
	r.pending = append(r.pending, pendingContext{f: f, want: contextAfter, since: since})
}

func (r *recent) before() []string {
	var out []string
	for i := max(0, r.n-contextBefore); i < r.n; i++ {
		out = append(out, "  "+r.ring[i%contextBefore].String())
	}
	return out
}

package sim

import (
	"errors"
	"fmt"
	"time"
)

// Engine is a run of the engine that is driven from outside, one step at a
// time: AdvanceTo moves virtual time forward, doing the queued work on the
// way (runs finishing, scheduled runs, the clients' requests and retries),
// and Request takes a start request at the current instant and answers it.
// Run is New, then AdvanceTo the end, then Finish; an Engine driven by the
// same requests at the same instants reports the same events.
//
// Requests taken with Request come after all the work due at the same
// instant, the order the engine states for requests queued last. The zero
// Engine is not usable; an Engine is not safe for concurrent use.
type Engine struct {
	e       *engine
	catch   answerCatcher
	clients map[string]int
	done    bool
}

// An Answer is what the service answered one start request.
type Answer struct {
	Kind       Kind          // Accepted, Throttled or Conflict
	Request    uint64        // the request's number, as in its events
	Operation  OperationID   // Accepted: the operation of the run
	RetryAfter time.Duration // Throttled: the exact wait, 0 when the throttle gives none
}

// answerCatcher keeps the answer to the request it waits for.
type answerCatcher struct {
	want   uint64
	answer Answer
}

func (c *answerCatcher) Observe(e *Event) {
	if c.want == 0 || e.Request != c.want {
		return
	}
	switch e.Kind {
	case Accepted, Throttled, Conflict:
		c.answer = Answer{Kind: e.Kind, Request: e.Request, Operation: e.Operation, RetryAfter: e.RetryAfter}
	}
}

// New returns an engine at cfg.Start with the first scheduled run and each
// client's first request queued; nothing has happened yet.
func New(cfg Config, observers ...Observer) (*Engine, error) {
	g := &Engine{clients: make(map[string]int, len(cfg.Clients))}
	all := make([]Observer, 0, len(observers)+1)
	all = append(all, &g.catch)
	all = append(all, observers...)
	e, err := newEngine(cfg, all)
	if err != nil {
		return nil, err
	}
	g.e = e
	for i, c := range cfg.Clients {
		if _, dup := g.clients[c.Name]; dup {
			return nil, fmt.Errorf("sim: two clients named %q", c.Name)
		}
		g.clients[c.Name] = i
	}
	return g, nil
}

// Now is the engine's current virtual instant.
func (g *Engine) Now() time.Time { return g.e.at(g.e.now) }

// Start and End bound the run: [Start, End).
func (g *Engine) Start() time.Time { return g.e.cfg.Start }

// End is the end of the run, excluded.
func (g *Engine) End() time.Time { return g.e.cfg.End }

// Events is the number of events reported so far.
func (g *Engine) Events() uint64 { return g.e.events }

// ErrPastEnd is returned for an instant at or after the end of the run.
var ErrPastEnd = errors.New("sim: at or past the end of the run")

// AdvanceTo does all the work due at or before t, in the engine's order,
// and sets the clock to t (taken to the millisecond). t before Now is an
// error, as is t at or after End.
func (g *Engine) AdvanceTo(t time.Time) error {
	ms := t.UnixMilli()
	switch {
	case g.done:
		return errors.New("sim: the run is finished")
	case ms < g.e.now:
		return fmt.Errorf("sim: cannot go back from %s to %s", g.Now().Format(time.RFC3339Nano), t.UTC().Format(time.RFC3339Nano))
	case ms >= g.e.end:
		return ErrPastEnd
	}
	g.e.advance(ms)
	g.e.setNow(ms)
	return nil
}

// Request takes one start request of the named client at the current
// instant and returns the service's answer. What follows from it (a retry
// by the client's policy, a run, a skipped scheduled run) is queued or
// reported as events, as for any request. The client must be one of the
// Config's; an external client usually has no arrivals (At{}) and gives up
// on refusal, since it retries by itself.
func (g *Engine) Request(client string) (Answer, error) {
	i, ok := g.clients[client]
	switch {
	case g.done:
		return Answer{}, errors.New("sim: the run is finished")
	case !ok:
		return Answer{}, fmt.Errorf("sim: no client named %q", client)
	}
	e := g.e
	e.lastRequest++
	g.catch.want, g.catch.answer = e.lastRequest, Answer{}
	e.request(i, e.lastRequest, 1, e.now)
	g.catch.want = 0
	return g.catch.answer, nil
}

// Finish does the work left before End and ends the run; the engine takes
// no more steps after it.
func (g *Engine) Finish() Result {
	if !g.done {
		g.e.advance(g.e.end)
		g.e.finishRun()
		g.done = true
	}
	return Result{Start: g.e.cfg.Start, End: g.e.cfg.End, Events: g.e.events}
}

// Closing returns the measurement event Finish would report if the run
// ended at end (SlotsChanged, Change SlotHorizon: the throttle's slots in
// use at end and their area since the last SlotsChanged), so that a run
// can be measured up to end while it goes on; ok is false when there is no
// throttle to measure. end is after Now, at or before End. The engine is
// not changed.
func (g *Engine) Closing(end time.Time) (ev Event, ok bool) {
	if g.e.slots.lim == nil {
		return Event{}, false
	}
	return g.e.slotsAt(end.UnixMilli(), SlotHorizon), true
}

package metrics

import (
	"time"

	"runsim/sim"
)

// The latency of on-demand requests that got a run: from a request's first
// attempt to the end of its run, retries included.
func init() {
	declare(500, &measure{
		kinds:  []sim.Kind{sim.Accepted, sim.GaveUp, sim.RunFinished},
		firsts: []sim.Kind{sim.RequestArrived}, // a retry changes nothing
		start: func(time.Time, time.Time, time.Time) measurement {
			return &latency{firstAttempt: map[uint64]int64{}, accepted: map[sim.OperationID]int64{}}
		},
	},
		Metric{"latency_p50", Duration, "median latency", "first attempt of an on-demand request to the end of its run, median",
			seconds(func(s Summary) time.Duration { return s.Latency.P50 })},
		Metric{"latency_p95", Duration, "p95 latency", "first attempt of an on-demand request to the end of its run, 95th percentile",
			seconds(func(s Summary) time.Duration { return s.Latency.P95 })},
	)
}

// latency follows requests from their first attempt to the end of their
// run. The engine's events carry the first attempt (sim.Event.First) to
// the end of the run, so nothing need be kept per request; for events
// without it (a stream written by hand) its maps follow the requests in
// flight, and stay as small as the clients' patience. The latencies go to
// a bounded sketch. Instants are kept as Unix nanoseconds: exact, and
// free of pointers for the garbage collector to follow.
type latency struct {
	firstAttempt map[uint64]int64          // requests still waiting for a run, by request id (unique across clients)
	accepted     map[sim.OperationID]int64 // first attempt of each accepted request, until its run ends
	sketch       sketch                    // latencies, in ms
}

func (l *latency) observe(e *sim.Event) {
	switch e.Kind {
	case sim.RequestArrived: // first attempts only
		if e.First.IsZero() {
			l.firstAttempt[e.Request] = e.At.UnixNano()
		}
	case sim.Accepted:
		if e.First.IsZero() {
			l.accepted[e.Operation] = l.firstAttempt[e.Request]
			delete(l.firstAttempt, e.Request)
		}
	case sim.GaveUp:
		if len(l.firstAttempt) > 0 {
			delete(l.firstAttempt, e.Request)
		}
	case sim.RunFinished:
		if e.Operation.IsZero() {
			return
		}
		if !e.First.IsZero() {
			l.sketch.add(float64(time.Duration(e.At.UnixNano() - e.First.UnixNano()).Milliseconds()))
		} else if first, ok := l.accepted[e.Operation]; ok {
			l.sketch.add(float64(time.Duration(e.At.UnixNano() - first).Milliseconds()))
			delete(l.accepted, e.Operation)
		}
	}
}

// warm follows the requests of the warm-up, so that one whose run ends
// after it has its latency; a run that ends in it counts for nothing.
func (l *latency) warm(e *sim.Event) {
	if e.Kind == sim.RunFinished {
		if len(l.accepted) > 0 {
			delete(l.accepted, e.Operation)
		}
		return
	}
	l.observe(e)
}

func (l *latency) summarise(s *Summary, _ *tally) {
	if l.sketch.n > 0 {
		q := l.sketch.quantiles(0.5, 0.95)
		s.Latency = Latency{P50: ms(q[0]), P95: ms(q[1]), N: int(l.sketch.n)}
	}
}

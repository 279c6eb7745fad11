package metrics

import (
	"time"

	"runsim/sim"
)

// The latency of on-demand requests that got a run: from a request's first
// attempt to the end of its run, retries included.
func init() {
	declare(500, &measure{
		kinds: []sim.Kind{sim.RunFinished},
		start: fresh[latency],
	},
		Metric{"latency_p50", Duration, "median latency", "first attempt of an on-demand request to the end of its run, median",
			seconds(func(s Summary) time.Duration { return s.Latency.P50 })},
		Metric{"latency_p95", Duration, "p95 latency", "first attempt of an on-demand request to the end of its run, 95th percentile",
			seconds(func(s Summary) time.Duration { return s.Latency.P95 })},
	)
}

// latency measures requests from their first attempt to the end of their
// run. The end of an on-demand run carries its request's first attempt
// (sim.Event.First), so nothing is kept per request, and a run that ends
// in the warm-up counts for nothing (the latency is no warmer). The
// latencies go to a bounded sketch.
type latency struct {
	sketch sketch // latencies, in ms
}

func (l *latency) observe(e *sim.Event) {
	if e.Operation.IsZero() {
		return // a scheduled run
	}
	l.sketch.add(float64(time.Duration(e.At.UnixNano() - e.First.UnixNano()).Milliseconds()))
}

func (l *latency) summarise(s *Summary, _ *tally) {
	if l.sketch.n > 0 {
		q := l.sketch.quantiles(0.5, 0.95)
		s.Latency = Latency{P50: ms(q[0]), P95: ms(q[1]), N: int(l.sketch.n)}
	}
}

package metrics

import "runsim/sim"

// How long throttled clients are told to wait: the mean Retry-After of the
// 429 answers that carry one. Declared after the answers (rank 100), before
// runs (rank 200).
func init() {
	declare(150, &measure{
		kinds: []sim.Kind{sim.Throttled},
		start: fresh[retryAfter],
	},
		Metric{"retry_after_mean", Duration, "mean Retry-After (429)", "mean Retry-After of the 429 answers that carry one",
			retryAfterMean.of},
	)
}

// retryAfterMean is the mean Retry-After, in seconds, 0 without one.
var retryAfterMean = newFigure()

// retryAfter sums the Retry-After of throttled answers, in milliseconds
// (the engine's precision), which cannot overflow for any horizon the
// scenarios allow.
type retryAfter struct {
	n   int64
	sum int64 // ms
}

func (r *retryAfter) observe(e *sim.Event) {
	if e.RetryAfter > 0 {
		r.n++
		r.sum += e.RetryAfter.Milliseconds()
	}
}

func (r *retryAfter) summarise(s *Summary, _ *tally) {
	if r.n > 0 {
		retryAfterMean.set(s, ms(float64(r.sum)/float64(r.n)).Seconds())
	}
}

package metrics

import "runsim/sim"

// The service's answers to start requests: attempts, their answers (202,
// 429, 409), retries and requests given up, and the shares of attempts.
func init() {
	declare(100, &measure{
		kinds: []sim.Kind{sim.Throttled}, // for refusals answered 202; the rest is the tally
		start: fresh[answers],
	},
		Metric{"requests", Count, "requests", "attempts that reached the service, retries included", count(func(s Summary) int { return s.Requests })},
		Metric{"accepted", Count, "accepted (202)", "attempts answered 202 Accepted", count(func(s Summary) int { return s.Accepted })},
		Metric{"throttled", Count, "throttled (429)", "attempts the throttle refused: answered 429, or 202 with an operation that fails (refusal: accepted-then-failed)", count(func(s Summary) int { return s.Throttled })},
		Metric{"conflicts", Count, "conflicts (409)", "attempts answered 409 Conflict", count(func(s Summary) int { return s.Conflicts })},
		Metric{"retries", Count, "retries", "attempts after a request's first", count(func(s Summary) int { return s.Retries })},
		Metric{"gave_up", Count, "requests given up", "requests abandoned after a refusal", count(func(s Summary) int { return s.GaveUp })},
		Metric{"throttled_fraction", Fraction, "throttled share", "throttled attempts over all attempts", fraction(func(s Summary) int { return s.Throttled })},
		Metric{"conflict_fraction", Fraction, "conflict share", "attempts answered 409 over all attempts", fraction(func(s Summary) int { return s.Conflicts })},
		Metric{"accepted_fraction", Fraction, "accepted share", "accepted attempts over all attempts", fraction(func(s Summary) int { return s.Accepted })},
	)
}

// answers are the collector's tally of requests and their answers, and
// the refusals answered 202 Accepted (a throttled event with an
// operation, under refusal: accepted-then-failed).
type answers struct{ throttledAccepted int }

func (a *answers) observe(e *sim.Event) {
	if !e.Operation.IsZero() {
		a.throttledAccepted++
	}
}

func (a *answers) summarise(s *Summary, n *tally) {
	s.Requests, s.Accepted, s.Throttled = n[sim.RequestArrived].all, n[sim.Accepted].all, n[sim.Throttled].all
	s.Conflicts, s.GaveUp, s.Retries = n[sim.Conflict].all, n[sim.GaveUp].all, n[sim.RequestArrived].retries
	s.ThrottledAccepted = a.throttledAccepted
}

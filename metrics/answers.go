package metrics

import (
	"time"

	"runsim/sim"
)

// The service's answers to start requests: attempts, their answers (202,
// 429, 409), retries and requests given up, and the shares of attempts.
func init() {
	declare(100, &measure{
		start: func(time.Time, time.Time) measurement { return answers{} }, // reads the tally only
	},
		Metric{"requests", Count, "requests", "attempts that reached the service, retries included",
			count(func(s Summary) int { return s.Requests })},
		Metric{"accepted", Count, "accepted (202)", "attempts answered 202 Accepted",
			count(func(s Summary) int { return s.Accepted })},
		Metric{"throttled", Count, "throttled (429)", "attempts answered 429 Too Many Requests",
			count(func(s Summary) int { return s.Throttled })},
		Metric{"conflicts", Count, "conflicts (409)", "attempts answered 409 Conflict",
			count(func(s Summary) int { return s.Conflicts })},
		Metric{"retries", Count, "retries", "attempts after a request's first",
			count(func(s Summary) int { return s.Retries })},
		Metric{"gave_up", Count, "requests given up", "requests abandoned after a refusal",
			count(func(s Summary) int { return s.GaveUp })},
		Metric{"throttled_fraction", Fraction, "throttled share", "throttled attempts over all attempts",
			fraction(func(s Summary) int { return s.Throttled })},
		Metric{"conflict_fraction", Fraction, "conflict share", "attempts answered 409 over all attempts",
			fraction(func(s Summary) int { return s.Conflicts })},
		Metric{"accepted_fraction", Fraction, "accepted share", "accepted attempts over all attempts",
			fraction(func(s Summary) int { return s.Accepted })},
	)
}

// answers are the collector's tally of requests and their answers.
type answers struct{}

func (answers) observe(*sim.Event) {}

func (answers) summarise(s *Summary, n *tally) {
	s.Requests, s.Accepted, s.Throttled = n[sim.RequestArrived].all, n[sim.Accepted].all, n[sim.Throttled].all
	s.Conflicts, s.GaveUp, s.Retries = n[sim.Conflict].all, n[sim.GaveUp].all, n[sim.RequestArrived].retries
}

package metrics

import "runsim/sim"

// Runs, scheduled and on demand: how many started, succeeded and failed,
// and successful runs per day of the horizon.
func init() {
	declare(200, &measure{
		kinds: []sim.Kind{sim.RunFinished}, // for outcomes; starts are the tally
		start: fresh[runs],
	},
		Metric{"runs_started", Count, "runs started", "runs started, scheduled and on demand",
			count(func(s Summary) int { return s.RunsStarted })},
		Metric{"runs_succeeded", Count, "runs succeeded", "runs that finished completed, completedWithErrors or completedWithWarnings",
			count(func(s Summary) int { return s.RunsSucceeded })},
		Metric{"runs_failed", Count, "runs failed", "runs that finished failed",
			count(func(s Summary) int { return s.RunsFailed })},
		Metric{"runs_per_day", Rate, "successful runs per day", "successful runs per day of the measured span (the horizon less any warm-up)",
			func(s Summary) float64 { return s.RunsPerDay }},
	)
}

// runs counts successful runs; runs started and finished are the
// collector's tally.
type runs struct{ succeeded int }

func (r *runs) observe(e *sim.Event) {
	if e.RunStatus.Succeeded() {
		r.succeeded++
	}
}

func (r *runs) summarise(s *Summary, n *tally) {
	s.RunsStarted, s.RunsSucceeded, s.RunsFailed = n[sim.RunStarted].all, r.succeeded, n[sim.RunFinished].all-r.succeeded
	if days := s.End.Sub(s.From()).Hours() / 24; days > 0 {
		s.RunsPerDay = float64(r.succeeded) / days
	}
}

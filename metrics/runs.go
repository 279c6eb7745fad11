package metrics

import (
	"time"

	"runsim/sim"
)

// Runs, scheduled and on demand: how many started, succeeded and failed,
// and successful runs per day of the horizon.
func init() {
	declare(200, &measure{
		kinds: []sim.Kind{sim.RunStarted, sim.RunFinished},
		start: func(time.Time, time.Time) measurement { return &runs{} },
	},
		Metric{"runs_started", Count, "runs started", "runs started, scheduled and on demand",
			count(func(s Summary) int { return s.RunsStarted })},
		Metric{"runs_succeeded", Count, "runs succeeded", "runs that finished completed, completedWithErrors or completedWithWarnings",
			count(func(s Summary) int { return s.RunsSucceeded })},
		Metric{"runs_failed", Count, "runs failed", "runs that finished failed",
			count(func(s Summary) int { return s.RunsFailed })},
		Metric{"runs_per_day", Rate, "successful runs per day", "successful runs per day of the horizon",
			func(s Summary) float64 { return s.RunsPerDay }},
	)
}

// runs counts runs started and finished, by outcome.
type runs struct {
	started, succeeded, failed int
}

func (r *runs) observe(e *sim.Event) {
	switch {
	case e.Kind == sim.RunStarted:
		r.started++
	case e.RunStatus.Succeeded():
		r.succeeded++
	default:
		r.failed++
	}
}

func (r *runs) summarise(s *Summary) {
	s.RunsStarted, s.RunsSucceeded, s.RunsFailed = r.started, r.succeeded, r.failed
	if days := s.End.Sub(s.Start).Hours() / 24; days > 0 {
		s.RunsPerDay = float64(r.succeeded) / days
	}
}

package metrics

import (
	"time"

	"runsim/policy"
	"runsim/sim"
)

// System-scheduled runs: how many were due, started and skipped (by
// reason), and how late the ones that started were.
func init() {
	declare(300, &measure{
		kinds: []sim.Kind{sim.RunStarted, sim.ScheduledSkipped}, // runs due are the tally
		start: func(time.Time, time.Time, time.Time) measurement { return &scheduled{skipped: map[string]int{}} },
	},
		Metric{"scheduled_run", Count, "scheduled runs started", "system-scheduled runs that started",
			count(func(s Summary) int { return s.ScheduledRun })},
		Metric{"scheduled_skipped", Count, "scheduled runs skipped", "system-scheduled runs skipped, whatever the reason",
			count(func(s Summary) int {
				n := 0
				for _, k := range s.ScheduledSkipped {
					n += k
				}
				return n
			})},
		Metric{"lateness_mean", Duration, "mean lateness of scheduled runs", "mean start of a scheduled run minus its nominal instant",
			seconds(func(s Summary) time.Duration { return s.LatenessMean })},
		Metric{"lateness_max", Duration, "max lateness of scheduled runs", "largest start of a scheduled run minus its nominal instant",
			seconds(func(s Summary) time.Duration { return s.LatenessMax })},
	)
}

// scheduled counts scheduled runs started and skipped, and sums the
// lateness of those that started. Its map has one key per skip reason.
type scheduled struct {
	run                   int
	skipped               map[string]int // reason → count
	lateness, latenessMax time.Duration  // sum and max over scheduled runs started
}

func (c *scheduled) observe(e *sim.Event) {
	switch e.Kind {
	case sim.RunStarted:
		if e.Trigger == policy.Scheduled {
			c.run++
			late := e.At.Sub(e.Nominal)
			c.lateness += late
			c.latenessMax = max(c.latenessMax, late)
		}
	case sim.ScheduledSkipped:
		c.skipped[e.Reason.String()]++
	}
}

func (c *scheduled) summarise(s *Summary, n *tally) {
	s.ScheduledDue, s.ScheduledRun, s.LatenessMax = n[sim.ScheduledDue].all, c.run, c.latenessMax
	s.ScheduledSkipped = make(map[string]int, len(c.skipped))
	for k, v := range c.skipped {
		s.ScheduledSkipped[k] = v
	}
	if c.run > 0 {
		s.LatenessMean = (c.lateness / time.Duration(c.run)).Round(time.Millisecond)
	}
}

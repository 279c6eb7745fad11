package metrics

import "runsim/sim"

// Polls of operations' Locations, counted when the operations finish.
func init() {
	declare(700, &measure{
		kinds: []sim.Kind{sim.OperationChanged},
		start: fresh[polls],
	},
		Metric{"polls", Count, "operation polls", "polls of operations' Locations",
			count(func(s Summary) int { return s.Polls })},
	)
}

// polls sums the polls operations report.
type polls int

func (p *polls) observe(e *sim.Event) { *p += polls(e.Polls) }

func (p *polls) summarise(s *Summary, _ *tally) { s.Polls = int(*p) }

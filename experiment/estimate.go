package experiment

import (
	"fmt"
	"strings"
	"time"

	"runsim/metrics"
	"runsim/scenario"
	"runsim/sim"
)

// An Estimate is the work an experiment is expected to take, in simulated
// events, so that a command can show it and refuse work past a budget
// before it starts.
type Estimate struct {
	Events       int64  // events of one replication
	Exact        bool   // Events were counted over the whole horizon, not extrapolated
	Replications int    // replications of each point
	Points       int    // points run (values tried, variants, grid points); 1 for a run
	PointsNoun   string // what the points are, plural: "values tried", "variants"
}

// Total is the events of the whole experiment.
func (e Estimate) Total() int64 {
	return e.Events * int64(max(e.Replications, 1)) * int64(max(e.Points, 1))
}

// Detail says what Total is made of: "26,250,870 a replication × 50
// replications × 12 values tried".
func (e Estimate) Detail() string {
	parts := []string{metrics.FormatInt(e.Events) + " a replication"}
	if e.Replications > 1 {
		parts = append(parts, fmt.Sprintf("%d replications", e.Replications))
	}
	if e.Points > 1 {
		parts = append(parts, fmt.Sprintf("%d %s", e.Points, e.PointsNoun))
	}
	return strings.Join(parts, " × ")
}

// pilotArrivals is how many requests of each client the pilot run of
// EstimateEvents lets in before it stops and extrapolates.
const pilotArrivals = 20_000

// EstimateEvents estimates the events of one replication of s, in a few
// milliseconds whatever its horizon: when every client sends at most
// pilotArrivals requests before the end, it runs the first replication
// and counts (exact); otherwise it runs the first replication up to the
// instant a client sends its pilotArrivals-th request and scales the
// count to the horizon. It is deterministic.
func EstimateEvents(s *scenario.Scenario) (events int64, exact bool, err error) {
	p, err := prepare(s)
	if err != nil {
		return 0, false, err
	}
	cfg := p.cfg
	cfg.Seed = sim.ReplicationSeed(p.seed, 0)
	end := cfg.End
	for _, c := range cfg.Clients {
		rng := sim.NewStream(cfg.Seed, "client/"+c.Name)
		prev := cfg.Start
		for k := 0; k <= pilotArrivals; k++ {
			t, ok := c.Arrivals.Next(k, prev, rng)
			if !ok || !t.Before(end) {
				break
			}
			if k == pilotArrivals {
				end = t
			}
			prev = t
		}
	}
	if !end.After(cfg.Start) {
		end = cfg.Start.Add(time.Millisecond)
	}
	exact = end.Equal(cfg.End)
	cfg.End = end
	res, err := sim.Run(cfg)
	if err != nil {
		return 0, false, err
	}
	if exact {
		return int64(res.Events), true, nil
	}
	scale := float64(p.cfg.End.Sub(p.cfg.Start)) / float64(end.Sub(cfg.Start))
	return int64(float64(res.Events) * scale), false, nil
}

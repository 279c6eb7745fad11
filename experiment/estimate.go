package experiment

import (
	"fmt"
	"math"
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

// Total is the events of the whole experiment, math.MaxInt64 when they are
// more than an int64 counts (see Overflows).
func (e Estimate) Total() int64 {
	return mulSat(mulSat(max(e.Events, 0), int64(max(e.Replications, 1))), int64(max(e.Points, 1)))
}

// Overflows reports that the events of the whole experiment are more than
// an int64 counts, so that Total is a floor, not an estimate.
func (e Estimate) Overflows() bool { return e.Total() == math.MaxInt64 }

// mulSat is a·b for a, b >= 0, math.MaxInt64 when it would overflow.
func mulSat(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
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

// pilotEvents is how many events a pilot run of EstimateEvents needs
// before its count is scaled to the horizon.
const pilotEvents = 50_000

// EstimateEvents estimates the events of one replication of s, in a few
// milliseconds whatever its horizon and its load: it runs the first
// replication over a minute, then over spans 16 times longer, until one
// has at least pilotEvents events, whose count it scales to the horizon,
// or covers the horizon, whose count is exact. It is deterministic.
func EstimateEvents(s *scenario.Scenario) (events int64, exact bool, err error) {
	p, err := prepare(s)
	if err != nil {
		return 0, false, err
	}
	cfg := p.cfg
	cfg.Seed = sim.ReplicationSeed(p.seed, 0)
	horizon := p.cfg.End.Sub(p.cfg.Start)
	for span := min(time.Minute, horizon); ; span = min(16*span, horizon) {
		cfg.End = cfg.Start.Add(span)
		res, err := sim.Run(cfg)
		if err != nil {
			return 0, false, err
		}
		if span == horizon {
			return int64(res.Events), true, nil
		}
		if res.Events >= pilotEvents {
			scaled := float64(res.Events) * float64(horizon) / float64(span)
			if scaled >= math.MaxInt64 {
				return math.MaxInt64, false, nil
			}
			return int64(scaled), false, nil
		}
	}
}

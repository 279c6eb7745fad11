package scenarios

import (
	"fmt"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// Config builds the engine configuration of the scenario.
func (s *Scenario) Config() sim.Config {
	f := &s.File
	start := f.Start.Time
	cfg := sim.Config{
		Start: start,
		End:   start.Add(time.Duration(*f.Horizon) * time.Millisecond),
		Seed:  f.Seed,
	}
	if *f.Horizon > maxDuration {
		// time.Duration ends at 292 years: add whole days.
		cfg.End = start.AddDate(0, 0, int(*f.Horizon/msPerDay)).Add(time.Duration(*f.Horizon%msPerDay) * time.Millisecond)
	}
	svc := &f.Service
	if svc.Schedule.Kind == "every" {
		anchor := start
		if svc.Schedule.Anchor != nil {
			anchor = svc.Schedule.Anchor.Time
		}
		cfg.Schedule = policy.Every{Period: time.Duration(svc.Schedule.Every), Anchor: anchor}
	}
	if t := svc.Throttle; t.Kind == "sliding" {
		counts := policy.CountSuccessful
		if t.Counts == "started" {
			counts = policy.CountStarted
		}
		cfg.NewThrottle = func() (policy.Throttle, error) {
			return policy.NewSlidingLog(t.Limit, time.Duration(t.Window), counts)
		}
		cfg.ScheduledCounting = map[string]policy.ScheduledCounting{
			"throttled": policy.ScheduledThrottled, "counted": policy.ScheduledCountedNeverRefused, "not-counted": policy.ScheduledNotCounted,
		}[t.Scheduled]
	}
	if svc.Skip.Kind == "next-within" {
		cfg.Skip = policy.NextWithin{Lookahead: time.Duration(svc.Skip.Lookahead)}
	}
	if svc.Overlap.OnDemand == "concurrent" {
		cfg.Overlap.OnDemand = policy.Concurrent
	}
	if svc.Overlap.Scheduled == "concurrent" {
		cfg.Overlap.Scheduled = policy.Concurrent
	}
	cfg.Runs = sim.Drawn{Duration: svc.Run.Duration.dist(), Outcomes: svc.Run.Outcomes.list()}
	for _, c := range f.Clients {
		cfg.Clients = append(cfg.Clients, sim.Client{
			Name:       c.Name,
			Arrivals:   c.Arrivals.process(start),
			OnThrottle: c.OnThrottle.retry(),
			OnConflict: c.OnConflict.retry(),
		})
	}
	return cfg
}

func (d Dist) dist() sim.DurationDist {
	switch d.Dist {
	case "constant":
		return sim.Constant(d.Value)
	case "exponential":
		return sim.Exponential{Mean: time.Duration(d.Mean)}
	}
	return sim.LogNormal{Median: time.Duration(d.Median), Sigma: d.Sigma}
}

// list returns the outcomes in the order of the run statuses, so that the
// draw does not depend on map order.
func (o Outcomes) list() []sim.Outcome {
	var out []sim.Outcome
	for _, st := range []sim.RunStatus{sim.Completed, sim.CompletedWithErrors, sim.CompletedWithWarnings, sim.Failed} {
		if p, ok := o[st.String()]; ok {
			out = append(out, sim.Outcome{Status: st, P: p})
		}
	}
	return out
}

func (a Arrivals) process(start time.Time) sim.Arrivals {
	switch {
	case a.Poisson != nil:
		return sim.Poisson{Rate: float64(a.Poisson.Rate)}
	case a.Periodic != nil:
		first := start
		if a.Periodic.First != nil {
			first = a.Periodic.First.At(start)
		}
		return sim.Periodic{First: first, Every: time.Duration(a.Periodic.Every), Jitter: time.Duration(a.Periodic.Jitter)}
	}
	ts := make(sim.At, len(a.At))
	for i, m := range a.At {
		ts[i] = m.At(start)
	}
	return ts
}

func (r Retry) retry() sim.Retry {
	kind := map[string]sim.RetryKind{"give-up": sim.GiveUp, "after-retry-after": sim.AfterRetryAfter, "after-delay": sim.AfterDelay}[r.Retry]
	return sim.Retry{Kind: kind, Delay: time.Duration(r.Delay), MaxAttempts: r.MaxAttempts}
}

// An Assumption is one policy setting in force.
type Assumption struct {
	Key, Value string
}

// Assumptions lists the policy settings in force, in a fixed order, for
// every report.
func (s *Scenario) Assumptions() []Assumption {
	cfg := s.Config()
	var out []Assumption
	add := func(k, format string, args ...any) { out = append(out, Assumption{k, fmt.Sprintf(format, args...)}) }
	if cfg.Schedule != nil {
		add("schedule", "%s", cfg.Schedule)
	} else {
		add("schedule", "none: no system-scheduled runs")
	}
	if cfg.NewThrottle != nil {
		t, _ := cfg.NewThrottle()
		add("throttle", "%s", t)
		add("scheduled runs and the throttle", "%s", cfg.ScheduledCounting)
	} else {
		add("throttle", "none: starts are never throttled")
	}
	if cfg.Skip != nil {
		add("skip rule", "%s", cfg.Skip)
	} else {
		add("skip rule", "%s", policy.NoSkip{})
	}
	add("overlap", "%s", cfg.Overlap)
	add("answer order", "409 Conflict is checked before the throttle")
	add("same-instant order", "runs finishing, then the scheduled run due, then requests in arrival order")
	add("runs", "%s", cfg.Runs)
	add("freshness", "the data are taken as fresh at the start")
	for _, c := range cfg.Clients {
		add("client "+c.Name, "%s; on 429: %s; on 409: %s", c.Arrivals, c.OnThrottle, c.OnConflict)
	}
	return out
}

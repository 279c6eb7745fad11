package scenario

import (
	"fmt"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// Config builds the engine configuration of the scenario. Everything that
// can fail was checked when the scenario was loaded; an error here means a
// scenario built around Parse or Build.
func (s *Scenario) Config() (sim.Config, error) {
	f := &s.File
	if f.Start == nil || f.Horizon == nil {
		return sim.Config{}, fmt.Errorf("scenarios: %s has no start or horizon", s.Path)
	}
	start := f.Start.Time
	cfg := sim.Config{
		Start: start,
		End:   start.AddDate(0, 0, int(*f.Horizon/msPerDay)).Add(time.Duration(*f.Horizon%msPerDay) * time.Millisecond),
		Seed:  f.Seed,
	}
	svc := &f.Service
	sched, anchor, err := svc.Schedule.build(start)
	if err != nil {
		return sim.Config{}, err
	}
	cfg.Schedule = sched
	if sched != nil && svc.Schedule.Jitter > 0 {
		cfg.Jitter = policy.Jitter{Max: time.Duration(svc.Schedule.Jitter), Seed: f.Seed}
	}
	if svc.Throttle.Kind != "none" {
		t := svc.Throttle
		if t.Anchor != nil {
			anchor = t.Anchor.Time
		}
		cfg.NewThrottle = func() (*policy.Throttle, error) { return t.build(anchor) }
		cfg.ScheduledCounting = map[string]policy.ScheduledCounting{
			"throttled": policy.ScheduledThrottled, "counted": policy.ScheduledCountedNeverRefused, "not-counted": policy.ScheduledNotCounted,
		}[t.Scheduled]
	}
	cfg.Skip = svc.Skip.build()
	cfg.Overlap = policy.Overlap{OnDemand: actions[svc.Overlap.OnDemand], Scheduled: actions[svc.Overlap.Scheduled]}
	cfg.Runs = sim.Drawn{Duration: svc.Run.Duration.dist(), Outcomes: svc.Run.Outcomes.list()}
	for _, c := range f.Clients {
		arrivals, err := c.Arrivals.process(c.Name, start)
		if err != nil {
			return sim.Config{}, err
		}
		cfg.Clients = append(cfg.Clients, sim.Client{
			Name:       c.Name,
			Arrivals:   arrivals,
			OnThrottle: c.OnThrottle.retry(),
			OnConflict: c.OnConflict.retry(),
			Poll:       time.Duration(c.Poll),
		})
	}
	return cfg, nil
}

var actions = map[string]policy.Action{
	"reject": policy.Refuse, "skip": policy.Refuse, "buffer-one": policy.BufferOne, "buffer-all": policy.BufferAll,
	"concurrent": policy.Concurrent, "delay-until-idle": policy.DelayUntilIdle,
}

// build returns the schedule and the anchor of its grid (start when it has
// none).
func (s Schedule) build(start time.Time) (policy.Schedule, time.Time, error) {
	switch s.Kind {
	case "every":
		anchor := start
		if s.Anchor != nil {
			anchor = s.Anchor.Time
		}
		return policy.Every{Period: time.Duration(s.Every), Anchor: anchor}, anchor, nil
	case "cron":
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil {
			return nil, start, err
		}
		c, err := policy.NewCron(s.Cron, loc)
		return c, start, err
	case "list":
		ts := make([]time.Time, len(s.Times))
		for i, m := range s.Times {
			ts[i] = m.At(start)
		}
		return policy.NewList(ts), start, nil
	}
	return nil, start, nil
}

func (t Throttle) build(anchor time.Time) (*policy.Throttle, error) {
	window := time.Duration(t.Window)
	burst := t.Burst
	if burst == 0 {
		burst = t.Limit
	}
	var l policy.Limiter
	var err error
	switch t.Kind {
	case "sliding":
		l, err = policy.NewSlidingLog(t.Limit, window)
	case "fixed":
		l, err = policy.NewFixedWindow(t.Limit, window, anchor)
	case "token-bucket":
		l, err = policy.NewTokenBucket(t.Limit, window, burst)
	case "gcra":
		l, err = policy.NewGCRA(t.Limit, window, burst)
	default:
		l = policy.Unlimited{}
	}
	if err != nil {
		return nil, err
	}
	counts, _ := policy.ParseCounting(t.Counts)
	return policy.NewThrottle(l, counts, t.Reserve, t.RetryAfter == "exact")
}

func (s Skip) build() policy.SkipRule {
	runStart := s.From == "run-start"
	switch s.Kind {
	case "next-within":
		return policy.NextWithin{Lookahead: time.Duration(s.Lookahead), RunStart: runStart}
	case "all-within":
		return policy.AllWithin{Lookahead: time.Duration(s.Lookahead), RunStart: runStart}
	case "re-anchor":
		return policy.Reanchor{RunStart: runStart}
	}
	return nil
}

func (d Dist) dist() sim.DurationDist {
	switch d.Dist {
	case "constant":
		return sim.Constant(d.Value)
	case "exponential":
		return sim.Exponential{Mean: time.Duration(d.Mean)}
	case "gamma":
		return sim.Gamma{Shape: d.Shape, Mean: time.Duration(d.Mean)}
	case "empirical":
		return sim.Empirical(d.samples)
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

func (a Arrivals) process(client string, start time.Time) (sim.Arrivals, error) {
	first := func(m *Moment) time.Time {
		if m == nil {
			return start
		}
		return m.At(start)
	}
	switch {
	case a.Poisson != nil:
		return sim.Poisson{Rate: float64(a.Poisson.Rate)}, nil
	case a.Periodic != nil:
		return sim.Periodic{First: first(a.Periodic.First), Every: time.Duration(a.Periodic.Every), Jitter: time.Duration(a.Periodic.Jitter)}, nil
	case a.Burst != nil:
		return sim.Bursts{First: first(a.Burst.First), Every: time.Duration(a.Burst.Every), Size: a.Burst.Size, Spacing: time.Duration(a.Burst.Spacing)}, nil
	case a.Replay != nil:
		return sim.At(a.Replay.times(client)), nil
	case a.Profile != nil:
		loc, err := time.LoadLocation(a.Profile.Timezone)
		if err != nil {
			return nil, err
		}
		var table [7][24]float64
		for _, r := range a.Profile.Rates {
			days, _ := parseDays(r.Days)
			from, to, _ := parseHours(r.Hours)
			for _, d := range days {
				for h := from; h < to; h++ {
					table[d][h] = float64(r.Rate)
				}
			}
		}
		return sim.NewProfile(loc, table), nil
	}
	ts := make(sim.At, len(a.At))
	for i, m := range a.At {
		ts[i] = m.At(start)
	}
	return ts, nil
}

func (r Retry) retry() sim.Retry {
	if r.Retry == "kiota" {
		return sim.KiotaHTTPGo()
	}
	kind := map[string]sim.RetryKind{"give-up": sim.GiveUp, "after-retry-after": sim.AfterRetryAfter, "after-delay": sim.AfterDelay, "backoff": sim.Backoff}[r.Retry]
	return sim.Retry{Kind: kind, Delay: time.Duration(r.Delay), Cap: time.Duration(r.Cap), MaxAttempts: r.MaxAttempts}
}

// An Assumption is one policy setting in force.
type Assumption struct {
	Key, Value string
}

// Assumptions lists the policy settings in force, in a fixed order, for
// every report.
func (s *Scenario) Assumptions() []Assumption {
	cfg, err := s.Config()
	if err != nil {
		return []Assumption{{"error", err.Error()}}
	}
	var out []Assumption
	add := func(k, format string, args ...any) { out = append(out, Assumption{k, fmt.Sprintf(format, args...)}) }
	if cfg.Schedule != nil {
		add("schedule", "%s", cfg.Schedule)
		if cfg.Jitter.Max > 0 {
			add("schedule jitter", "each run delayed by a deterministic draw in [0, %s)", policy.FormatDuration(cfg.Jitter.Max))
		}
	} else {
		add("schedule", "none: no system-scheduled runs")
	}
	if cfg.NewThrottle != nil {
		if t, err := cfg.NewThrottle(); err == nil {
			add("throttle", "%s", t)
		}
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
		v := fmt.Sprintf("%s; on 429: %s; on 409: %s", c.Arrivals, c.OnThrottle, c.OnConflict)
		if c.Poll > 0 {
			v += "; polls its operation every " + policy.FormatDuration(c.Poll)
		}
		add("client "+c.Name, "%s", v)
	}
	return out
}

package scenario

import (
	"errors"
	"fmt"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// Config builds the engine configuration of the scenario from the variant
// tables. Everything that can fail was checked when the scenario was
// loaded; an error here means a scenario built around Parse or Build, such
// as one that names a variant no table has.
func (s *Scenario) Config() (sim.Config, error) {
	cfg, err := s.config()
	if err != nil {
		if fe, ok := err.(*fieldError); ok {
			err = errors.New(fe.msg)
		}
		return sim.Config{}, fmt.Errorf("scenarios: %s: %w", s.Path, err)
	}
	return cfg, nil
}

func (s *Scenario) config() (sim.Config, error) {
	f := &s.File
	if f.Start == nil || f.Horizon == nil {
		return sim.Config{}, errors.New("no start or horizon")
	}
	start := f.Start.Time
	cfg := sim.Config{
		Start: start,
		End:   start.AddDate(0, 0, int(*f.Horizon/msPerDay)).Add(time.Duration(*f.Horizon%msPerDay) * time.Millisecond),
		Seed:  f.Seed,
	}
	cfg.Warmup = time.Duration(f.Warmup) * time.Millisecond
	svc := &f.Service
	e := env{start: start, anchor: start}
	sched, err := schedules.build(&svc.Schedule, e)
	if err != nil {
		return sim.Config{}, err
	}
	cfg.Schedule = sched
	if every, ok := sched.(policy.Every); ok {
		e.anchor = every.Anchor
	}
	if sched != nil && svc.Schedule.Jitter > 0 {
		cfg.Jitter = policy.Jitter{Max: time.Duration(svc.Schedule.Jitter), Seed: f.Seed}
	}
	if cfg.NewThrottle, err = svc.Throttle.build(e); err != nil {
		return sim.Config{}, err
	}
	if cfg.Skip, err = skipRules.build(&svc.Skip, e); err != nil {
		return sim.Config{}, err
	}
	if cfg.Overlap, err = svc.Overlap.build(); err != nil {
		return sim.Config{}, err
	}
	duration, err := distributions.build(&svc.Run.Duration, e)
	if err != nil {
		return sim.Config{}, err
	}
	cfg.Runs = sim.Drawn{Duration: duration, Outcomes: svc.Run.Outcomes.list()}
	for _, c := range f.Clients {
		e.client = c.Name
		arrivals, err := c.Arrivals.build(e)
		if err != nil {
			return sim.Config{}, err
		}
		onThrottle, err := retries.build(&c.OnThrottle, e)
		if err != nil {
			return sim.Config{}, err
		}
		onConflict, err := retries.build(&c.OnConflict, e)
		if err != nil {
			return sim.Config{}, err
		}
		cfg.Clients = append(cfg.Clients, sim.Client{
			Name:       c.Name,
			Arrivals:   arrivals,
			OnThrottle: onThrottle,
			OnConflict: onConflict,
			Poll:       time.Duration(c.Poll),
		})
	}
	return cfg, nil
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
			add("scheduled runs and the throttle", "%s", t.Scheduled)
		}
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

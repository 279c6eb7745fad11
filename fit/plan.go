package fit

import (
	"cmp"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"runsim/scenario"
	"runsim/sim"
)

// PlanOptions say what a probe may cost and which readings it should tell
// apart.
type PlanOptions struct {
	// Base fixes what is known, as for Fit; its start is the plan's
	// instant zero (an emulator built from it starts there) and its run
	// model predicts the runs. nil: DefaultBase.
	Base *scenario.Scenario
	// Budget is the most starts (202s) the plan may cost under any of the
	// readings: each is a real run and takes a slot. 0: DefaultBudget.
	Budget int
	// Readings are the readings still open; nil: every reading of
	// Dimensions.
	Readings []Reading
}

// DefaultBudget is the starts a plan may cost when none is given: one
// more than the documented limit, to see the throttle answer.
const DefaultBudget = 6

// Gaps are the waits between the requests of a plan's series: long
// enough for a run of about two hours to finish, short enough for the
// series to fill a 12-hour window.
var Gaps = []time.Duration{2 * time.Hour, 150 * time.Minute, 3 * time.Hour}

// Leads are where a plan's first request falls after the first
// scheduled run: during it, or after it.
var Leads = []time.Duration{5 * time.Minute, 2*time.Hour + 5*time.Minute}

// A Plan is a request schedule and what each group of the open readings
// predicts it will be answered.
type Plan struct {
	Start    time.Time   // the plan's instant zero: the base's start
	Requests []time.Time // when to send each start request
	// Until is when to list the runs: after the last request, late
	// enough to see the scheduled runs that follow.
	Until  time.Time
	Budget int
	// Period is the schedule's period: against a service whose clock is
	// past Start, the plan is moved on by whole periods, keeping its phase.
	Period time.Duration
	// Groups are the open readings grouped by what they predict, largest
	// group first.
	Groups []PlanGroup

	index map[string]int // reading key → group
}

// A PlanGroup is readings that predict the same of a plan.
type PlanGroup struct {
	Readings []Reading
	Answers  []string    // per request: "202", "409", "429 Retry-After 7200"
	Runs     []time.Time // run starts up to Until
	starts   int
}

// planner holds the open readings' engine configurations, built once.
type planner struct {
	base     *scenario.Scenario
	readings []Reading
	cfgs     []sim.Config
	start    time.Time
	horizon  time.Time
}

// MaxPlanRequests bounds a plan's requests, and so its budget.
const MaxPlanRequests = 24

// Design returns the plan that splits the open readings into the most
// groups that answer it differently, within the budget. With every
// reading open (one never throttles, one runs starts concurrently) every
// request may start a run, so a plan has as many requests as the budget
// allows: a series, each Gap apart, that starts a Lead after the first
// scheduled run, with or without a second request two minutes after the
// first (during its run). Design tries each and keeps the one that splits
// the readings into the most groups, then the one whose largest group is
// smallest, then the shortest.
func Design(opts PlanOptions) (*Plan, error) {
	base := opts.Base
	if base == nil {
		base = DefaultBase()
	}
	budget := cmp.Or(opts.Budget, DefaultBudget)
	if budget < 1 || budget > MaxPlanRequests {
		return nil, fmt.Errorf("fit: the budget must be from 1 to %d starts, got %d", MaxPlanRequests, budget)
	}
	start := base.File.Start.Time
	sched := start
	every := time.Duration(base.File.Service.Schedule.Every)
	if cfg, err := base.Config(); err == nil && cfg.Schedule != nil {
		if n := cfg.Schedule.Next(start); !n.IsZero() {
			sched = n
		}
	}
	if every <= 0 {
		every = 12 * time.Hour
	}
	p := &planner{base: base, start: start}
	p.horizon = sched.Add(Leads[len(Leads)-1] + time.Duration(MaxPlanRequests)*Gaps[len(Gaps)-1] + every + time.Hour)
	var err error
	if p.base, err = base.With("start="+fmtTime(start), "horizon="+horizonOf(p.horizon.Sub(start)), "clients=[]", "expect=[]", "variants=[]"); err != nil {
		return nil, err
	}
	p.readings = opts.Readings
	if p.readings == nil {
		p.readings = Readings(Dimensions, resolverFor(p.base, sched.Add(Leads[0])))
	}
	for _, rd := range p.readings {
		s, err := p.base.With(rd.Overrides()...)
		if err != nil {
			return nil, fmt.Errorf("fit: reading %s: %w", rd.Key(), err)
		}
		cfg, err := s.Config()
		if err != nil {
			return nil, fmt.Errorf("fit: reading %s: %w", rd.Key(), err)
		}
		cfg.Clients = []sim.Client{{Name: "probe", Arrivals: sim.At{}}}
		p.cfgs = append(p.cfgs, cfg)
	}
	var best *Plan
	for _, lead := range Leads {
		for _, pair := range []bool{false, true} {
			for _, gap := range Gaps {
				times := []time.Time{sched.Add(lead)}
				if pair && budget > 1 {
					times = append(times, times[0].Add(2*time.Minute))
				}
				for len(times) < budget {
					times = append(times, times[len(times)-1].Add(gap))
				}
				groups, err := p.evaluate(times, every)
				if err != nil {
					return nil, err
				}
				for len(times) > 1 && maxStarts(groups) > budget { // only when readings refuse for sure
					times = times[:len(times)-1]
					if groups, err = p.evaluate(times, every); err != nil {
						return nil, err
					}
				}
				if maxStarts(groups) > budget {
					continue
				}
				cand := &Plan{Start: start, Requests: times, Until: times[len(times)-1].Add(every), Budget: budget, Period: every, Groups: groups}
				if best == nil || better(cand, best) {
					best = cand
				}
			}
		}
	}
	if best == nil {
		return nil, fmt.Errorf("fit: no plan keeps within a budget of %d starts", budget)
	}
	return best, nil
}

// better reports whether plan a splits the readings better than b: more
// groups, then a smaller largest group, then sooner done.
func better(a, b *Plan) bool {
	switch {
	case len(a.Groups) != len(b.Groups):
		return len(a.Groups) > len(b.Groups)
	case len(a.Groups[0].Readings) != len(b.Groups[0].Readings):
		return len(a.Groups[0].Readings) < len(b.Groups[0].Readings)
	}
	return a.Until.Before(b.Until)
}

func maxStarts(gs []PlanGroup) int {
	m := 0
	for _, g := range gs {
		m = max(m, g.starts)
	}
	return m
}

// evaluate replays the requests at times under every open reading and
// groups the readings by what they predict up to the last request plus
// every.
func (p *planner) evaluate(times []time.Time, every time.Duration) ([]PlanGroup, error) {
	until := times[len(times)-1].Add(every)
	rp := &replay{start: p.start, end: until.Add(time.Second), times: times, clients: make([]string, len(times))}
	for i := range rp.clients {
		rp.clients[i] = "probe"
	}
	preds := make([]PlanGroup, len(p.readings))
	errs := make([]error, len(p.readings))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(p.readings); i += workers {
				cfg := p.cfgs[i]
				cfg.End = rp.end
				pr, err := rp.run(cfg, nil)
				if err == nil {
					preds[i] = groupOf(pr, until)
				}
				errs[i] = err
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	index := map[string]int{}
	var out []PlanGroup
	for i, g := range preds {
		k := strings.Join(g.Answers, ",") + "|" + fmt.Sprint(g.Runs)
		j, ok := index[k]
		if !ok {
			j = len(out)
			index[k] = j
			out = append(out, g)
		}
		out[j].Readings = append(out[j].Readings, p.readings[i])
	}
	slices.SortStableFunc(out, func(a, b PlanGroup) int { return cmp.Compare(len(b.Readings), len(a.Readings)) })
	return out, nil
}

func groupOf(pr Predicted, until time.Time) PlanGroup {
	g := PlanGroup{}
	for _, a := range pr.Answers {
		g.Answers = append(g.Answers, answerText(statusOf(a), retryAfterSeconds(a.RetryAfter)))
		if a.Kind == sim.Accepted {
			g.starts++
		}
	}
	for _, r := range pr.Runs {
		if !r.At.After(until) {
			g.Runs = append(g.Runs, r.At)
		}
	}
	return g
}

// resolverFor resolves Dimensions' instants against a scenario: its
// schedule's anchor, and midnight before first.
func resolverFor(s *scenario.Scenario, first time.Time) func(string) string {
	st := &setting{base: s}
	return st.resolver(first)
}

// Separated reports whether the plan tells readings a and b apart: they
// fall in different groups.
func (p *Plan) Separated(a, b Reading) bool {
	ga, gb := p.groupOf(a), p.groupOf(b)
	return ga >= 0 && gb >= 0 && ga != gb
}

func (p *Plan) groupOf(r Reading) int {
	if p.index == nil {
		p.index = map[string]int{}
		for i, g := range p.Groups {
			for _, x := range g.Readings {
				p.index[x.Key()] = i
			}
		}
	}
	if i, ok := p.index[r.Key()]; ok {
		return i
	}
	return -1
}

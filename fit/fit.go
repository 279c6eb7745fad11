package fit

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"runsim/policy"
	"runsim/scenario"
	"runsim/sim"
)

// Options tune a fit. The zero value fits the documented rules' open
// questions (Dimensions) with DefaultTolerance.
type Options struct {
	// Base fixes what is known (the schedule, the limit and window, the
	// lookahead); nil: DefaultBase. Its start, horizon and clients are
	// replaced by the log's.
	Base *scenario.Scenario
	// Tolerance is how far a predicted Retry-After or run start may be
	// from the observed one; 0: DefaultTolerance.
	Tolerance time.Duration
	// Dimensions are the open questions; nil: Dimensions.
	Dimensions []Dimension
}

// A Contradiction is one thing the service did that a reading says it
// would not have.
type Contradiction struct {
	Time      time.Time `json:"time"`
	Line      int       `json:"line,omitempty"` // the request's line in the log, or the run's in the runs file
	What      string    `json:"what"`           // "request" or "run"
	Observed  string    `json:"observed"`
	Predicted string    `json:"predicted"`
}

func (c Contradiction) String() string {
	return fmt.Sprintf("%s %s: observed %s, predicted %s", fmtTime(c.Time), c.What, c.Observed, c.Predicted)
}

// A Verdict is a reading and how it fares against the log.
type Verdict struct {
	Reading        Reading         `json:"reading"`
	Contradictions int             `json:"contradictions"`
	First          *Contradiction  `json:"first,omitempty"`
	all            []Contradiction // in time order
	signature      string          // what it predicts, for grouping
}

// Result is what a fit concludes.
type Result struct {
	// Consistent are the readings that explain every answer and run,
	// grouped where they predict the same of this log.
	Consistent [][]Reading
	// Inconsistent are the others, fewest contradictions first.
	Inconsistent []Verdict
	// Unexplained, when no reading is consistent, are the observations
	// that every reading contradicts.
	Unexplained []Contradiction
	// Notes say what the fit took as given (an inferred schedule anchor).
	Notes []string
	// Scenario is the base as the fit used it, ready for a reading's
	// overrides (With).
	Scenario *scenario.Scenario
	// Settings are what the fit took as given beyond the base (the
	// schedule's anchor), as overrides.
	Settings []string
	// Tried is the number of readings replayed.
	Tried int
}

// Readings are the consistent readings, group after group.
func (r *Result) Readings() []Reading {
	var out []Reading
	for _, g := range r.Consistent {
		out = append(out, g...)
	}
	return out
}

// setting is a fit's or a plan's replay setting: the base with the log's
// start, horizon and schedule anchor, and the readings to try.
type setting struct {
	base     *scenario.Scenario
	readings []Reading
	notes    []string
	replay   replay
}

// Fit replays the log's requests under every reading, with the observed
// runs' durations and outcomes, and compares each predicted answer (status
// and Retry-After) and run start with the observed one.
func Fit(log Log, opts Options) (*Result, error) {
	if len(log.Requests) == 0 {
		return nil, errors.New("fit: no requests")
	}
	tol := cmp.Or(opts.Tolerance, DefaultTolerance)
	reqs := slices.Clone(log.Requests)
	slices.SortStableFunc(reqs, func(a, b Request) int { return a.Time.Compare(b.Time) })
	runs := slices.Clone(log.Runs)
	slices.SortStableFunc(runs, func(a, b Run) int { return a.Start.Compare(b.Start) })

	// The replay starts a day before the first request (the throttle's
	// state is rebuilt from the runs of that day), or at the first record
	// after that; it ends after the last record.
	first := reqs[0].Time
	start := first
	var inWindow []Run
	for _, r := range runs {
		if !r.Start.Before(first.Add(-24 * time.Hour)) {
			inWindow = append(inWindow, r)
			start = minTime(start, r.Start)
		}
	}
	end := reqs[len(reqs)-1].Time
	for _, r := range runs {
		end = maxTime(end, maxTime(r.Start, r.End))
	}
	end = maxTime(end, log.Until)
	st := &setting{replay: replay{start: start, end: end.Add(time.Second)}}
	for _, q := range reqs {
		st.replay.times = append(st.replay.times, q.Time)
		st.replay.clients = append(st.replay.clients, cmp.Or(q.Client, "user"))
	}
	base := opts.Base
	if base == nil {
		base = DefaultBase()
	}
	var err error
	var settings []string
	if st.base, st.notes, settings, err = fitBase(base, start, end.Add(time.Second), reqs, runs, tol); err != nil {
		return nil, err
	}
	dims := opts.Dimensions
	if dims == nil {
		dims = Dimensions
	}
	st.readings = Readings(dims, st.resolver(first))

	model := &observedRuns{runs: inWindow, tol: tol, fallback: fallback(inWindow, st.base), end: st.replay.end}
	res := &Result{Notes: st.notes, Scenario: st.base, Settings: settings, Tried: len(st.readings)}
	var verdicts []Verdict
	for _, rd := range st.readings {
		s, err := st.base.With(rd.Overrides()...)
		if err != nil {
			return nil, fmt.Errorf("fit: reading %s: %w", rd.Key(), err)
		}
		cfg, err := st.replay.config(s)
		if err != nil {
			return nil, fmt.Errorf("fit: reading %s: %w", rd.Key(), err)
		}
		p, err := st.replay.run(cfg, model)
		if err != nil {
			return nil, fmt.Errorf("fit: reading %s: %w", rd.Key(), err)
		}
		v := compare(rd, p, reqs, inWindow, end, tol)
		verdicts = append(verdicts, v)
	}
	groups := map[string]int{}
	for _, v := range verdicts {
		if v.Contradictions > 0 {
			res.Inconsistent = append(res.Inconsistent, v)
			continue
		}
		i, ok := groups[v.signature]
		if !ok {
			i = len(res.Consistent)
			groups[v.signature] = i
			res.Consistent = append(res.Consistent, nil)
		}
		res.Consistent[i] = append(res.Consistent[i], v.Reading)
	}
	slices.SortStableFunc(res.Inconsistent, func(a, b Verdict) int { return cmp.Compare(a.Contradictions, b.Contradictions) })
	if len(res.Consistent) == 0 {
		res.Unexplained = unexplained(verdicts)
	}
	return res, nil
}

// fitBase is base with the replay's start and horizon, and the schedule's
// anchor when base leaves it open: the first observed run that no 202
// explains, else no schedule.
func fitBase(base *scenario.Scenario, start, end time.Time, reqs []Request, runs []Run, tol time.Duration) (*scenario.Scenario, []string, []string, error) {
	sets := []string{"start=" + fmtTime(start), "horizon=" + horizonOf(end.Sub(start)), "clients=[]", "expect=[]", "variants=[]"}
	var notes, given []string
	sch := base.File.Service.Schedule
	if sch.Kind == "every" && sch.Anchor == nil {
		var anchor time.Time
		for _, r := range runs {
			if !explained(r, reqs, tol) {
				anchor = r.Start
				break
			}
		}
		if anchor.IsZero() {
			sets = append(sets, "service.schedule.kind=none")
			given = append(given, "service.schedule.kind=none")
			notes = append(notes, "no run in the runs file is a scheduled one and the base gives no schedule anchor: the replay has no scheduled runs")
		} else {
			sets = append(sets, "service.schedule.anchor="+fmtTime(anchor))
			given = append(given, "service.schedule.anchor="+fmtTime(anchor))
			notes = append(notes, fmt.Sprintf("scheduled runs every %s from %s, the first run no 202 explains (give --base to fix the schedule)",
				time.Duration(sch.Every), fmtTime(anchor)))
		}
	}
	s, err := base.With(sets...)
	return s, notes, given, err
}

// explained reports whether a run started within tol of a 202.
func explained(r Run, reqs []Request, tol time.Duration) bool {
	for _, q := range reqs {
		if q.Status == 202 && absDur(r.Start.Sub(q.Time)) <= tol {
			return true
		}
	}
	return false
}

// resolver resolves the instants of Dimensions' values.
func (st *setting) resolver(first time.Time) func(string) string {
	anchor := st.base.File.Start.Time
	if a := st.base.File.Service.Schedule.Anchor; a != nil {
		anchor = a.Time
	}
	midnight := first.UTC().Truncate(24 * time.Hour)
	return func(v string) string {
		switch v {
		case "@schedule":
			return fmtTime(anchor)
		case "@midnight":
			return fmtTime(midnight)
		}
		return v
	}
}

// fallback is the run of a reading that the service did not start: the
// median observed run, completed; the base's median without runs.
func fallback(runs []Run, base *scenario.Scenario) sim.ScriptedRun {
	var ds []time.Duration
	for _, r := range runs {
		if !r.Running() {
			ds = append(ds, r.End.Sub(r.Start))
		}
	}
	if len(ds) == 0 {
		d := base.File.Service.Run.Duration
		return sim.ScriptedRun{Duration: time.Duration(cmp.Or(d.Median, d.Value, d.Mean, scenario.Duration(110*time.Minute))), Status: sim.Completed}
	}
	slices.Sort(ds)
	return sim.ScriptedRun{Duration: ds[len(ds)/2], Status: sim.Completed}
}

// compare lists the contradictions between a reading's prediction and the
// log, in time order.
func compare(rd Reading, p Predicted, reqs []Request, runs []Run, end time.Time, tol time.Duration) Verdict {
	v := Verdict{Reading: rd}
	var sig strings.Builder
	tolS := int((tol + time.Second - 1) / time.Second)
	for i, q := range reqs {
		a := p.Answers[i]
		status, ra := statusOf(a), retryAfterSeconds(a.RetryAfter)
		fmt.Fprintf(&sig, "%d/%d ", status, ra)
		agree := status == q.Status
		if agree && status == 429 {
			agree = (ra < 0) == (q.RetryAfter < 0) && (ra < 0 || abs(ra-q.RetryAfter) <= tolS)
		}
		if !agree {
			v.all = append(v.all, Contradiction{Time: q.Time, Line: q.Line, What: "request",
				Observed: answerText(q.Status, q.RetryAfter), Predicted: answerText(status, ra)})
		}
	}
	used := make([]bool, len(runs))
	for _, pr := range p.Runs {
		fmt.Fprintf(&sig, "r%d ", pr.At.UnixMilli())
		if pr.At.After(end) {
			continue
		}
		best := -1
		for j, r := range runs {
			if !used[j] && absDur(r.Start.Sub(pr.At)) <= tol && (best < 0 || absDur(r.Start.Sub(pr.At)) < absDur(runs[best].Start.Sub(pr.At))) {
				best = j
			}
		}
		if best >= 0 {
			used[best] = true
			continue
		}
		v.all = append(v.all, Contradiction{Time: pr.At, What: "run", Observed: "no run started",
			Predicted: "a " + triggerText(pr) + " run started"})
	}
	for j, r := range runs {
		if !used[j] {
			v.all = append(v.all, Contradiction{Time: r.Start, Line: r.Line, What: "run", Observed: "run " + r.ID + " started",
				Predicted: "no run started"})
		}
	}
	slices.SortStableFunc(v.all, func(a, b Contradiction) int { return a.Time.Compare(b.Time) })
	v.Contradictions = len(v.all)
	if len(v.all) > 0 {
		v.First = &v.all[0]
	}
	v.signature = sig.String()
	return v
}

func triggerText(pr PredictedRun) string {
	if pr.Trigger == policy.Scheduled {
		return "scheduled"
	}
	return "on-demand"
}

// unexplained are the observations every reading contradicts.
func unexplained(vs []Verdict) []Contradiction {
	count := map[string]int{}
	var order []Contradiction
	for _, v := range vs {
		seen := map[string]bool{}
		for _, c := range v.all {
			k := fmtTime(c.Time) + c.What + c.Observed
			if seen[k] {
				continue
			}
			seen[k] = true
			if count[k] == 0 {
				order = append(order, c)
			}
			count[k]++
		}
	}
	var out []Contradiction
	for _, c := range order {
		if count[fmtTime(c.Time)+c.What+c.Observed] == len(vs) {
			c.Predicted = "something else by every reading"
			out = append(out, c)
		}
	}
	slices.SortStableFunc(out, func(a, b Contradiction) int { return a.Time.Compare(b.Time) })
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

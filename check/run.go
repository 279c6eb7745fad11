package check

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"runsim/experiment"
	"runsim/internal/atomicfile"
	"runsim/metrics"
	"runsim/scenario"
	"runsim/sim"
)

// ErrUpdateWithOverrides: File refuses to rewrite golden traces with
// overrides, which would be written into them.
var ErrUpdateWithOverrides = errors.New("check: golden traces are not rewritten with overrides, which would be written into them")

// Options change how a scenario is checked.
type Options struct {
	// Update rewrites the golden trace beside the scenario file, if it has
	// one, instead of comparing with it.
	Update bool
	// Golden, when set, is the golden trace to compare with, instead of the
	// X.trace beside X.yaml.
	Golden string
}

// The time spent on each check is measured at each of the first timedAll
// events of a replication, then at one event in timedEvery, scaled up.
const (
	timedAll   = 4096
	timedEvery = 32
)

// A Result is what checking one scenario found.
type Result struct {
	Scenario string
	Path     string
	Seeds    []uint64 // one per replication
	Checks   []Check  // one per expectation, then the golden trace if any
	Elapsed  time.Duration
	// Err is set when the scenario did not load or could not run: then no
	// check ran, and the result has not passed.
	Err error
}

// A Check is one expectation (or the golden trace) and its failure, nil
// when it held.
type Check struct {
	Name    string
	Failure *Failure
	// Elapsed is the time spent evaluating it over every replication
	// (past 4096 events a replication, estimated from one event in 32);
	// the engine's own time is in the Result's Elapsed only.
	Elapsed time.Duration
}

// Passed reports whether the scenario ran and every check held.
func (r *Result) Passed() bool { return r.Err == nil && len(r.Failures()) == 0 }

// Failures returns the checks that did not hold.
func (r *Result) Failures() []*Failure {
	var out []*Failure
	for _, c := range r.Checks {
		if c.Failure != nil {
			out = append(out, c.Failure)
		}
	}
	return out
}

// File loads the scenario at path, with overrides, and checks it. The
// error is for bad input (the scenario) or I/O (the golden trace);
// expectations that fail are in the Result.
func File(path string, opts Options, overrides ...string) (*Result, error) {
	if opts.Update && len(overrides) > 0 {
		return nil, ErrUpdateWithOverrides
	}
	s, err := scenario.Load(path, overrides...)
	if err != nil {
		return nil, err
	}
	return Run(s, opts)
}

// Run checks a loaded scenario: it runs every replication, evaluates each
// expectation as events stream by, and compares or rewrites the golden
// trace of the first replication.
func Run(s *scenario.Scenario, opts Options) (*Result, error) {
	began := time.Now()
	res := &Result{Scenario: s.File.Name, Path: s.Path}
	goldenPath := opts.Golden
	if goldenPath == "" && strings.HasSuffix(s.Path, ".yaml") {
		goldenPath = goldenName(s.Path)
		if _, err := os.Stat(goldenPath); errors.Is(err, fs.ErrNotExist) {
			goldenPath = ""
		}
	}

	n := len(s.File.Expect)
	failures := make([]*Failure, n)
	spent := make([]time.Duration, n+1) // each expectation, then the golden trace
	acc := metrics.NewAccumulator()
	var goldenFailure *Failure
	runner, err := experiment.NewRunner(s)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", s.Path, err)
	}
	base := newSetup(s, runner.Config()) // built once: the policies are the same in every replication
	for rep := range s.File.Replications {
		seed := sim.ReplicationSeed(s.File.Seed, rep)
		res.Seeds = append(res.Seeds, seed)
		st := base
		st.seed = seed
		// Every check is an observer of the same run. Reading the clock
		// around each check at each event would triple the time of a long
		// run: past the first timedAll events, one in timedEvery is timed
		// and counts for them all.
		checks := make([]sim.Observer, n+1)
		evals := make([]evaluator, n)
		ring := &recent{}
		for i, x := range s.File.Expect {
			ev, err := newEvaluator(x, st)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", s.Path, err)
			}
			if ev != nil {
				evals[i] = ev
				checks[i] = sim.ObserverFunc(func(e *sim.Event) { ev.observe(e, ring) })
			}
		}
		var g *golden
		var update *bytes.Buffer
		var tw *sim.TraceWriter
		if rep == 0 && goldenPath != "" {
			if opts.Update {
				update = &bytes.Buffer{}
				tw = sim.NewTraceWriter(update, sim.TraceText)
				checks[n] = tw
			} else {
				var err error
				if g, err = loadGolden(goldenPath); err != nil {
					return nil, err
				}
				checks[n] = g
			}
		}
		seen := 0
		observe := sim.ObserverFunc(func(e *sim.Event) {
			weight := time.Duration(1)
			if seen >= timedAll {
				weight = timedEvery
			}
			if seen >= timedAll && seen%timedEvery != 0 {
				for _, c := range checks {
					if c != nil {
						c.Observe(e)
					}
				}
			} else {
				t0 := time.Now()
				for i, c := range checks {
					if c != nil {
						c.Observe(e)
						t1 := time.Now()
						spent[i] += weight * t1.Sub(t0)
						t0 = t1
					}
				}
			}
			seen++
			ring.push(e)
		})
		sum, err := runner.Run(seed, observe)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Path, err)
		}
		for i, ev := range evals {
			if ev == nil {
				continue
			}
			t0 := time.Now()
			if f := ev.finish(ring); f != nil && failures[i] == nil {
				failures[i] = f
			}
			spent[i] += time.Since(t0)
		}
		acc.Add(sum)
		if g != nil {
			if goldenFailure = g.finish(); goldenFailure != nil {
				goldenFailure.Seed = seed
			}
		}
		if update != nil {
			t0 := time.Now()
			if err := tw.Flush(); err != nil {
				return nil, err
			}
			if err := atomicfile.Write(goldenPath, update.Bytes()); err != nil {
				return nil, err
			}
			spent[n] += time.Since(t0)
		}
	}
	for i, x := range s.File.Expect {
		if m, ok := x.What.(*scenario.ExpectMetric); ok {
			t0 := time.Now()
			failures[i] = checkMetric(x.Name, m, acc.Interval(m.Metric))
			spent[i] += time.Since(t0)
		}
		res.Checks = append(res.Checks, Check{Name: x.Name, Failure: failures[i], Elapsed: spent[i]})
	}
	if goldenPath != "" {
		res.Checks = append(res.Checks, Check{Name: "golden trace " + goldenPath, Failure: goldenFailure, Elapsed: spent[n]})
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

// checkMetric holds a metric bound: with one replication the value must be
// within; with several, the whole 95% confidence interval of the mean.
func checkMetric(name string, x *scenario.ExpectMetric, ci metrics.Interval) *Failure {
	format := metrics.MustLookup(x.Metric).Format // the name was checked when the scenario loaded
	low, high := ci.Low, ci.High
	if (x.Min == nil || low >= float64(*x.Min)) && (x.Max == nil || high <= float64(*x.Max)) {
		return nil
	}
	f := &Failure{Expectation: name, Expected: x.Metric + " " + bounds(nil, x.Min, x.Max, format)}
	if ci.N == 1 {
		f.Got = format(ci.Mean)
	} else {
		f.Expected += " for the whole 95% confidence interval"
		f.Got = fmt.Sprintf("mean %s, 95%% CI [%s, %s] over %d replications", format(ci.Mean), format(low), format(high), ci.N)
	}
	return f
}

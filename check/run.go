package check

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runsim/metrics"
	"strings"
	"time"

	"runsim/experiment"
	"runsim/internal/atomicfile"
	"runsim/scenario"
	"runsim/sim"
)

// Options change how a scenario is checked.
type Options struct {
	// Update rewrites the golden trace beside the scenario file, if it has
	// one, instead of comparing with it.
	Update bool
	// Golden, when set, is the golden trace to compare with, instead of the
	// X.trace beside X.yaml.
	Golden string
}

// A Result is what checking one scenario found.
type Result struct {
	Scenario string
	Path     string
	Seeds    []uint64 // one per replication
	Checks   []Check  // one per expectation, then the golden trace if any
	Elapsed  time.Duration
}

// A Check is one expectation (or the golden trace) and its failure, nil
// when it held.
type Check struct {
	Name    string
	Failure *Failure
}

// Passed reports whether every check held.
func (r *Result) Passed() bool { return len(r.Failures()) == 0 }

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

	failures := make([]*Failure, len(s.File.Expect))
	metrics := metrics.NewAccumulator()
	var goldenFailure *Failure
	for rep := range s.File.Replications {
		seed := sim.ReplicationSeed(s.File.Seed, rep)
		res.Seeds = append(res.Seeds, seed)
		st := newSetup(s, seed)
		evals := make([]evaluator, len(s.File.Expect))
		for i, x := range s.File.Expect {
			evals[i] = newEvaluator(x, st)
		}
		ring := &recent{}
		observers := []sim.Observer{sim.ObserverFunc(func(e *sim.Event) {
			for _, ev := range evals {
				if ev != nil {
					ev.observe(e, ring)
				}
			}
			ring.push(e)
		})}
		var g *golden
		var update *bytes.Buffer
		var tw *sim.TraceWriter
		if rep == 0 && goldenPath != "" {
			if opts.Update {
				update = &bytes.Buffer{}
				tw = sim.NewTraceWriter(update, sim.TraceText)
				observers = append(observers, tw)
			} else {
				var err error
				if g, err = loadGolden(goldenPath); err != nil {
					return nil, err
				}
				observers = append(observers, g)
			}
		}
		sum, err := experiment.RunOnce(s, seed, observers...)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.Path, err)
		}
		for i, ev := range evals {
			if ev == nil {
				continue
			}
			if f := ev.finish(ring); f != nil && failures[i] == nil {
				failures[i] = f
			}
		}
		metrics.Add(sum)
		if g != nil {
			goldenFailure = g.finish()
		}
		if update != nil {
			if err := tw.Flush(); err != nil {
				return nil, err
			}
			if err := atomicfile.Write(goldenPath, update.Bytes()); err != nil {
				return nil, err
			}
		}
	}
	for i, x := range s.File.Expect {
		if x.Kind() == "metric" {
			failures[i] = checkMetric(x, metrics.Interval(x.Metric))
		}
		res.Checks = append(res.Checks, Check{Name: x.Name, Failure: failures[i]})
	}
	if goldenPath != "" {
		res.Checks = append(res.Checks, Check{Name: "golden trace " + goldenPath, Failure: goldenFailure})
	}
	res.Elapsed = time.Since(began)
	return res, nil
}

// checkMetric holds a metric bound: with one replication the value must be
// within; with several, the whole 95% confidence interval of the mean.
func checkMetric(x *scenario.Expectation, ci metrics.Interval) *Failure {
	format := count
	if strings.HasPrefix(x.Metric, "freshness_") {
		format = func(v float64) string { return seconds(v) }
	}
	low, high := ci.Low, ci.High
	if (x.Min == nil || low >= float64(*x.Min)) && (x.Max == nil || high <= float64(*x.Max)) {
		return nil
	}
	f := &Failure{Expectation: x.Name, Expected: x.Metric + " " + bounds(x, format)}
	if ci.N == 1 {
		f.Got = format(ci.Mean)
	} else {
		f.Expected += " for the whole 95% confidence interval"
		f.Got = fmt.Sprintf("mean %s, 95%% CI [%s, %s] over %d replications", format(ci.Mean), format(low), format(high), ci.N)
	}
	return f
}

func seconds(v float64) string {
	return (time.Duration(v * float64(time.Second))).Round(time.Second).String()
}

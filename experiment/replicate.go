package experiment

import (
	"runsim/metrics"
	"runsim/scenario"
	"runsim/sim"
)

// Options are the knobs of an experiment.
type Options struct {
	Replications int // per point; 0: the scenario's own
	Workers      int // goroutines; 0: 1
	// Progress, when set, is called after each replication is combined,
	// with the number done and the total.
	Progress func(done, total int)
	// First are observers of the first replication only (a trace, a
	// report's timeline); for Compare, of the baseline's first.
	First []sim.Observer
}

// RunOnce runs one replication of a scenario with its seed and returns its
// summary.
func RunOnce(s *scenario.Scenario, seed uint64, observers ...sim.Observer) (metrics.Summary, error) {
	r, err := NewRunner(s)
	if err != nil {
		return metrics.Summary{}, err
	}
	return r.Run(seed, observers...)
}

// A Runner runs replications of one scenario, its engine configuration
// built once for them all: for a caller that runs them one at a time with
// observers of its own (runsim check).
type Runner struct{ p prepared }

// NewRunner builds the engine configuration of s.
func NewRunner(s *scenario.Scenario) (*Runner, error) {
	p, err := prepare(s)
	if err != nil {
		return nil, err
	}
	return &Runner{p}, nil
}

// Config is the engine configuration the runner runs (its seed the
// scenario's): for asking its policies what they mean.
func (r *Runner) Config() sim.Config { return r.p.cfg }

// Run runs one replication with seed and returns its summary.
func (r *Runner) Run(seed uint64, observers ...sim.Observer) (metrics.Summary, error) {
	return r.p.run(seed, observers...)
}

// prepared is a scenario's engine configuration, built once for all its
// replications (a sim.Config may be run any number of times). It is the
// one place that wires a scenario to the engine and the collectors.
type prepared struct {
	cfg  sim.Config
	seed uint64
}

func prepare(s *scenario.Scenario) (prepared, error) {
	cfg, err := s.Config()
	return prepared{cfg: cfg, seed: s.File.Seed}, err
}

func (p prepared) run(seed uint64, observers ...sim.Observer) (metrics.Summary, error) {
	cfg := p.cfg
	cfg.Seed = seed
	return Measure(cfg, observers...)
}

// Measure runs an engine configuration once, as it is, and returns its
// summary: the one place where the engine meets the collector. Commands
// that start from a scenario use RunOnce or Replicate; Measure is for a
// configuration derived by other means (an emulator session replayed).
// The warm-up of cfg (sim.Config.Warmup) is left out of every figure.
func Measure(cfg sim.Config, observers ...sim.Observer) (metrics.Summary, error) {
	c := metrics.NewCollectorAfter(cfg.Start, cfg.Warmup, cfg.End)
	if _, err := sim.Run(cfg, append([]sim.Observer{c}, observers...)...); err != nil {
		return metrics.Summary{}, err
	}
	return c.Summary(), nil
}

// NewTimeline returns a recorder of a scenario's first replication for the
// charts of a report (pass it in Options.First), measuring occupancy as
// the summaries do.
func NewTimeline(s *scenario.Scenario) (*metrics.Timeline, error) {
	p, err := prepare(s)
	if err != nil {
		return nil, err
	}
	return metrics.NewTimeline(p.cfg.Start, p.cfg.End), nil
}

// replications returns the number of replications opts asks for, else the
// scenario's.
func replications(s *scenario.Scenario, opts Options) int {
	if opts.Replications > 0 {
		return opts.Replications
	}
	return max(s.File.Replications, 1)
}

// points runs reps replications of every prepared point (replication i
// with seed sim.ReplicationSeed(the point's seed, i), so points share their
// random numbers) and hands each point's first summary and accumulated
// metrics to emit, in order. opts.First observe the first point's first
// replication.
func points(preps []prepared, reps int, opts Options, emit func(i int, first metrics.Summary, acc *metrics.Accumulator) error) error {
	total := len(preps) * reps
	acc := metrics.NewAccumulator()
	var first metrics.Summary
	return ordered(total, opts.Workers,
		func(k int) (metrics.Summary, error) {
			var obs []sim.Observer
			if k == 0 {
				obs = opts.First
			}
			p := preps[k/reps]
			return p.run(sim.ReplicationSeed(p.seed, k%reps), obs...)
		},
		func(k int, sum metrics.Summary) error {
			if k%reps == 0 {
				first = sum
			}
			acc.Add(sum)
			if opts.Progress != nil {
				opts.Progress(k+1, total)
			}
			if k%reps < reps-1 {
				return nil
			}
			done := acc
			acc = metrics.NewAccumulator()
			return emit(k/reps, first, done)
		})
}

// Replicate runs n replications of a scenario (seeds derived from its seed)
// and returns the first replication's summary and the accumulated metrics.
func Replicate(s *scenario.Scenario, opts Options) (metrics.Summary, *metrics.Accumulator, error) {
	p, err := prepare(s)
	if err != nil {
		return metrics.Summary{}, nil, err
	}
	var first metrics.Summary
	var acc *metrics.Accumulator
	err = points([]prepared{p}, replications(s, opts), opts, func(_ int, f metrics.Summary, a *metrics.Accumulator) error {
		first, acc = f, a
		return nil
	})
	return first, acc, err
}

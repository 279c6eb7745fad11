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
	// report's timeline).
	First []sim.Observer
}

// RunOnce runs one replication of a scenario with its seed and returns its
// summary.
func RunOnce(s *scenario.Scenario, seed uint64, observers ...sim.Observer) (metrics.Summary, error) {
	p, err := prepare(s)
	if err != nil {
		return metrics.Summary{}, err
	}
	return p.run(seed, observers...)
}

// prepared is a scenario's engine configuration, built once for all its
// replications (a sim.Config may be run any number of times).
type prepared struct {
	cfg sim.Config
}

func prepare(s *scenario.Scenario) (prepared, error) {
	cfg, err := s.Config()
	return prepared{cfg: cfg}, err
}

func (p prepared) run(seed uint64, observers ...sim.Observer) (metrics.Summary, error) {
	cfg := p.cfg
	cfg.Seed = seed
	c := metrics.NewCollector(cfg.Start, cfg.End)
	if _, err := sim.Run(cfg, append([]sim.Observer{c}, observers...)...); err != nil {
		return metrics.Summary{}, err
	}
	return c.Summary(), nil
}

// Replicate runs n replications of a scenario (seeds derived from its seed)
// and returns the first replication's summary and the accumulated metrics.
func Replicate(s *scenario.Scenario, opts Options) (metrics.Summary, *metrics.Accumulator, error) {
	n := opts.Replications
	if n == 0 {
		n = s.File.Replications
	}
	p, err := prepare(s)
	if err != nil {
		return metrics.Summary{}, nil, err
	}
	acc := metrics.NewAccumulator()
	var first metrics.Summary
	err = ordered(n, opts.Workers,
		func(i int) (metrics.Summary, error) {
			if i == 0 {
				return p.run(s.File.Seed, opts.First...)
			}
			return p.run(sim.ReplicationSeed(s.File.Seed, i))
		},
		func(i int, sum metrics.Summary) error {
			if i == 0 {
				first = sum
			}
			acc.Add(sum)
			if opts.Progress != nil {
				opts.Progress(i+1, n)
			}
			return nil
		})
	return first, acc, err
}

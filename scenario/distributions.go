package scenario

import (
	"fmt"
	"time"

	"runsim/sim"
)

// distributions are how long runs last, selected by
// service.run.duration.dist.
var distributions = serviceFamily("distribution", "service.run.duration.dist", []string{"duration", "dist"},
	func(s *Service) *Dist { return &s.Run.Duration }, func(d *Dist) string { return d.Dist },
	row("constant", func(d *Dist, _ env) (sim.DurationDist, error) { return sim.Constant(d.Value), nil },
		"always value", []opt{{"value", "the duration", ""}}, "duration: {dist: constant, value: 110m}").
		checked(positive("value", func(d *Dist) Duration { return d.Value })),
	row("exponential", func(d *Dist, _ env) (sim.DurationDist, error) {
		return sim.Exponential{Mean: time.Duration(d.Mean)}, nil
	},
		"exponential with a mean", []opt{{"mean", "the mean", ""}}, "duration: {dist: exponential, mean: 90m}").
		checked(positive("mean", func(d *Dist) Duration { return d.Mean })),
	row("lognormal", func(d *Dist, _ env) (sim.DurationDist, error) {
		return sim.LogNormal{Median: time.Duration(d.Median), Sigma: d.Sigma}, nil
	}, "lognormal by median and the sigma of its logarithm", []opt{{"median", "the median", ""}, {"sigma", "in (0, 5]", ""}},
		"duration: {dist: lognormal, median: 110m, sigma: 0.3}").
		checked(func(d *Dist) error {
			if err := positive("median", func(d *Dist) Duration { return d.Median })(d); err != nil {
				return err
			}
			if !(d.Sigma > 0 && d.Sigma <= 5) {
				return errAt("sigma", "must be in (0, 5], got %g", d.Sigma)
			}
			return nil
		}),
	row("gamma", func(d *Dist, _ env) (sim.DurationDist, error) {
		return sim.Gamma{Shape: d.Shape, Mean: time.Duration(d.Mean)}, nil
	}, "gamma by shape and mean", []opt{{"shape", "> 0", ""}, {"mean", "the mean", ""}}, "duration: {dist: gamma, shape: 4, mean: 110m}").
		checked(func(d *Dist) error {
			if err := positive("mean", func(d *Dist) Duration { return d.Mean })(d); err != nil {
				return err
			}
			if !(d.Shape > 0 && d.Shape <= 1e6) {
				if d.Shape > 0 {
					return errAt("shape", "must be at most 1000000, got %g", d.Shape)
				}
				return errAt("shape", "must be positive, got %g", d.Shape)
			}
			return nil
		}),
	row("empirical", func(d *Dist, _ env) (sim.DurationDist, error) {
		if len(d.samples) == 0 {
			return nil, fmt.Errorf("the samples of %s were not read", d.Samples)
		}
		return sim.Empirical(d.samples), nil
	},
		"drawn uniformly from observed durations, one per line in a file", []opt{{"samples", "the file, relative to the scenario file", ""}},
		"duration: {dist: empirical, samples: durations.txt}").
		checked(func(d *Dist) error {
			if d.Samples == "" {
				return errAt("samples", "missing: the file of observed durations")
			}
			return nil
		}).
		loading((*Dist).readSamples),
)

// positive checks that a duration parameter is set.
func positive(field string, get func(*Dist) Duration) func(*Dist) error {
	return func(d *Dist) error {
		if get(d) <= 0 {
			return errAt(field, "a %s duration needs a positive %s", d.Dist, field)
		}
		return nil
	}
}

func (d *Dist) validate() error { return distributions.validate("dist", d) }

func (d *Dist) load(src fileSource) error { return distributions.load(d, src) }

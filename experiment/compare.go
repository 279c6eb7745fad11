package experiment

import (
	"errors"
	"fmt"
	"strings"

	"runsim/metrics"
	"runsim/scenario"
)

// A Variant is a scenario to compare with the others, and its name.
type Variant struct {
	Name string
	// Overrides are the --set overrides that make it from the baseline;
	// nil for the baseline and for the variants of a scenario file.
	Overrides []string
	Scenario  *scenario.Scenario
}

// Variants returns the baseline, named "baseline", followed by its
// variants: one per spec, NAME=PATH=VALUE[,PATH=VALUE], or when there is
// no spec the variants: section of the scenario. Having nothing to compare
// is an error.
func Variants(base *scenario.Scenario, specs []string) ([]Variant, error) {
	out := []Variant{{Name: "baseline", Scenario: base}}
	for _, v := range specs {
		name, spec, ok := strings.Cut(v, "=")
		if !ok || name == "" || spec == "" {
			return nil, fmt.Errorf("--variant %q: want NAME=PATH=VALUE[,PATH=VALUE]", v)
		}
		overrides := strings.Split(spec, ",")
		s, err := base.With(overrides...)
		if err != nil {
			return nil, fmt.Errorf("--variant %s: %w", name, err)
		}
		out = append(out, Variant{Name: name, Overrides: overrides, Scenario: s})
	}
	if len(specs) == 0 {
		for _, v := range base.File.Variants {
			s, err := base.WithVariant(v.Name)
			if err != nil {
				return nil, err
			}
			out = append(out, Variant{Name: v.Name, Scenario: s})
		}
	}
	if len(out) == 1 {
		return nil, fmt.Errorf("%s: nothing to compare: give --variant or a variants: section", base.Path)
	}
	return out, nil
}

// Compared is a variant and what its replications gave.
type Compared struct {
	Variant
	First     metrics.Summary      // the first replication
	Aggregate *metrics.Accumulator // every replication
}

// Compare runs every variant with the same replications, on common random
// numbers: replication i of every variant has the seed
// sim.ReplicationSeed(seed, i) of the variant's seed (the baseline's unless
// the variant changes it), and every client and the runs draw from streams
// of their own, so the requests arrive at the same instants in every
// variant. The number of replications is opts.Replications, else the
// baseline's; results come back in the order of variants, the same
// whatever the number of workers.
func Compare(variants []Variant, opts Options) ([]Compared, error) {
	if len(variants) == 0 {
		return nil, errors.New("experiment: no variant to compare")
	}
	preps := make([]prepared, len(variants))
	for i, v := range variants {
		var err error
		if preps[i], err = prepare(v.Scenario); err != nil {
			return nil, fmt.Errorf("%s: %w", v.Name, err)
		}
	}
	out := make([]Compared, 0, len(variants))
	err := points(preps, replications(variants[0].Scenario, opts), opts, func(i int, first metrics.Summary, acc *metrics.Accumulator) error {
		out = append(out, Compared{Variant: variants[i], First: first, Aggregate: acc})
		return nil
	})
	return out, err
}

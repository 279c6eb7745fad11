package main

import (
	"flag"
	"fmt"

	"runsim/experiment"
	"runsim/metrics"
	"runsim/reports"
	"runsim/scenario"
)

var compareSpec = sharedSpec{
	formats:      []string{"text", "json", "csv"},
	replications: "the scenario's replications, 1 unless it says",
	report:       "report.html, report.md, summary.json (the JSON output) and a bar chart (PNG, SVG, CSV) per key metric",
	warmup:       true,
	seed:         true,
	set:          true,
}

var compareUsage = `usage: runsim compare SCENARIO [--variant NAME=PATH=VALUE[,PATH=VALUE]]... [flags]

Runs the scenario and each variant of it on the same random numbers
(common random numbers: the same seeds, and every client and the runs draw
from streams of their own, so the arrival times are identical in every
variant) and prints every metric side by side, with each variant's
difference from the first column. It measures exactly as runsim run does.
With more than one replication each value is a mean with its 95%
confidence interval.

` + scenarioArg + `
Variants come from --variant flags, e.g.
  --variant bucket=service.throttle.kind=token-bucket
  --variant no-skip=service.skip.kind=none,service.throttle.limit=6
or, when no --variant is given, from the scenario's variants: section:
  variants:
    - {name: bucket, set: {service.throttle.kind: token-bucket}}
Values with commas (YAML flow mappings) belong in the variants: section.

flags:
  --variant NAME=PATH=VALUE[,PATH=VALUE]   a variant (repeatable)
` + compareSpec.help() + `                       (--set and --seed apply to the scenario and every variant)
`

// compareFlags are runsim compare's own flags.
type compareFlags struct{ variants multi }

func (f *compareFlags) declare(fs *flag.FlagSet) { fs.Var(&f.variants, "variant", "") }

func compareCmd(c *call, f *compareFlags) int {
	sh, base := &c.sh, c.s
	variants, err := experiment.Variants(base.Scenario, f.variants)
	if err != nil {
		return c.fail("%v", err)
	}
	reps := sh.replicationsOf(base, 1)
	est := experiment.Estimate{Replications: reps, Points: len(variants), PointsNoun: "variants"}
	for _, v := range variants {
		events, _, err := experiment.EstimateEvents(v.Scenario)
		if err != nil {
			return c.fail("%s: %v", v.Name, err)
		}
		est.Events = max(est.Events, events)
	}
	if err := sh.budget(est); err != nil {
		return c.fail("%v", err)
	}
	d := newDisplay(c.stderr, fmt.Sprintf("compare %d variants, about %s events", len(variants), metrics.FormatInt(est.Total())), "replications", sh.quiet)
	d.update(0, reps*len(variants))
	results, err := experiment.Compare(variants, experiment.Options{Replications: reps, Workers: sh.workers, Progress: d.progress()})
	d.finish()
	if err != nil {
		return c.fail("%v", err)
	}
	rep := &reports.ComparisonReport{Scenario: base.File.Name, Seed: base.File.Seed}
	for i, r := range results {
		rep.Names = append(rep.Names, r.Name)
		rep.Overrides = append(rep.Overrides, r.Overrides)
		rep.Aggregates = append(rep.Aggregates, r.Aggregate)
		if i > 0 {
			rep.Changed = append(rep.Changed, changedAssumptions(results[0].Scenario, r.Scenario))
		}
	}
	if sh.report != "" {
		if err := c.writeReport("Comparison: ", func(p *reports.Page) { p.Comparison = rep }, reports.WriteComparison); err != nil {
			return c.fail("%v", err)
		}
	}
	write := rep.WriteText
	switch sh.format {
	case "json":
		write = rep.WriteJSON
	case "csv":
		write = rep.WriteCSV
	}
	if err := output(c.stdout, "", write); err != nil {
		return c.fail("writing the comparison: %v", err)
	}
	return exitOK
}

// changedAssumptions are the assumptions of other that differ from base's,
// in other's order.
func changedAssumptions(base, other *scenario.Scenario) []reports.Assumption {
	was := map[string]string{}
	for _, a := range base.Assumptions() {
		was[a.Key] = a.Value
	}
	var out []reports.Assumption
	for _, a := range other.Assumptions() {
		if v, ok := was[a.Key]; !ok || v != a.Value {
			out = append(out, reports.Assumption{Key: a.Key, Value: a.Value})
		}
	}
	return out
}

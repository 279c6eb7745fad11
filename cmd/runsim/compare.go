package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runsim/metrics"
	"strings"
	"text/tabwriter"

	"runsim/reports"
	"runsim/scenario"
	"runsim/sim"
)

const compareUsage = `usage: runsim compare FILE [--variant NAME=PATH=VALUE[,PATH=VALUE]]... [flags]

Runs the scenario in FILE and each variant of it on the same random numbers
(common random numbers: the same seed, and every client and the runs draw
from streams of their own, so the arrival times are identical in every
variant) and prints their summaries side by side, with each variant's
difference from the first column.

Variants come from --variant flags, e.g.
  --variant bucket=service.throttle.kind=token-bucket
  --variant no-skip=service.skip.kind=none,service.throttle.limit=6
or, when no --variant is given, from the scenario's variants: section:
  variants:
    - {name: bucket, set: {service.throttle.kind: token-bucket}}
Values with commas (YAML flow mappings) belong in the variants: section.

flags:
  --variant NAME=PATH=VALUE[,PATH=VALUE]   a variant (repeatable)
  --format text|json   output format (default text)
  --report DIR         also write report.html and report.md with a bar chart per key metric
  --seed N             use seed N instead of the scenario's seed
  --set path=value     override a field in the scenario and every variant (repeatable)
`

// compareMetrics are the rows of a comparison, in order.
var compareMetrics = []string{
	"requests", "accepted", "throttled", "conflicts", "gave_up", "retries",
	"runs_started", "runs_succeeded", "runs_failed", "runs_per_day", "scheduled_run", "scheduled_skipped",
	"throttled_fraction", "conflict_fraction", "freshness_mean", "freshness_p95", "freshness_max",
	"latency_p50", "latency_p95", "occupancy_mean", "lateness_mean",
}

type compared struct {
	Name        string             `json:"name"`
	Overrides   []string           `json:"overrides,omitempty"`
	Metrics     map[string]float64 `json:"metrics"`
	Difference  map[string]float64 `json:"difference,omitempty"`
	Assumptions map[string]string  `json:"assumptions_changed,omitempty"`
	assumptions []scenario.Assumption
}

func compareCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	format := fs.String("format", "text", "")
	seed := fs.String("seed", "", "")
	reportDir := fs.String("report", "", "")
	var sets, variantFlags multi
	fs.Var(&sets, "set", "")
	fs.Var(&variantFlags, "variant", "")
	files, code, ok := parseFlags(fs, compareUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "runsim compare: "+format+"\n", args...)
		return exitBadInput
	}
	if len(files) != 1 {
		return fail("want one scenario file, got %d; see runsim help compare", len(files))
	}
	if *format != "text" && *format != "json" {
		return fail("--format must be text or json, got %q", *format)
	}
	if *seed != "" {
		sets = append(sets, "seed="+*seed)
	}
	base, err := scenario.Load(files[0], sets...)
	if err != nil {
		return fail("%v", err)
	}

	type variant struct {
		name      string
		overrides []string
		s         *scenario.Scenario
	}
	variants := []variant{{name: "baseline", s: base}}
	for _, v := range variantFlags {
		name, spec, ok := strings.Cut(v, "=")
		if !ok || name == "" || spec == "" {
			return fail("--variant %q: want NAME=PATH=VALUE[,PATH=VALUE]", v)
		}
		overrides := strings.Split(spec, ",")
		s, err := base.With(overrides...)
		if err != nil {
			return fail("--variant %s: %v", name, err)
		}
		variants = append(variants, variant{name: name, overrides: overrides, s: s})
	}
	if len(variantFlags) == 0 {
		for _, v := range base.File.Variants {
			s, err := base.WithVariant(v.Name)
			if err != nil {
				return fail("%v", err)
			}
			variants = append(variants, variant{name: v.Name, s: s})
		}
	}
	if len(variants) == 1 {
		return fail("%s: nothing to compare: give --variant or a variants: section", files[0])
	}

	var results []*compared
	for _, v := range variants {
		cfg, err := v.s.Config()
		if err != nil {
			return fail("%s: %v", v.name, err)
		}
		c := metrics.NewCollector(cfg.Start, cfg.End)
		if _, err := sim.Run(cfg, c); err != nil {
			return fail("%s: %v", v.name, err)
		}
		sum := c.Summary()
		r := &compared{Name: v.name, Overrides: v.overrides, Metrics: map[string]float64{}, assumptions: v.s.Assumptions()}
		for _, m := range compareMetrics {
			r.Metrics[m], _ = sum.Metric(m)
		}
		if len(results) > 0 {
			r.Difference = map[string]float64{}
			for _, m := range compareMetrics {
				r.Difference[m] = r.Metrics[m] - results[0].Metrics[m]
			}
			r.Assumptions = changedAssumptions(results[0].assumptions, r.assumptions)
		}
		results = append(results, r)
	}
	if *reportDir != "" {
		page := newPage(base, files[0], "Comparison: "+base.File.Name)
		rep := &reports.ComparisonReport{Metrics: compareMetrics, Values: map[string][]float64{}}
		for i, r := range results {
			rep.Names = append(rep.Names, r.Name)
			for _, m := range compareMetrics {
				rep.Values[m] = append(rep.Values[m], r.Metrics[m])
			}
			if i > 0 {
				var changed []reports.Assumption
				for _, a := range r.assumptions {
					if v, ok := r.Assumptions[a.Key]; ok {
						changed = append(changed, reports.Assumption{Key: a.Key, Value: v})
					}
				}
				rep.Changed = append(rep.Changed, changed)
			}
		}
		for _, m := range reports.KeyMetrics {
			if _, ok := rep.Values[m]; !ok {
				return fail("--report: metric %s is not compared", m)
			}
		}
		page.Comparison = rep
		if err := reports.WriteComparison(*reportDir, page); err != nil {
			return fail("--report: %v", err)
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(map[string]any{"scenario": base.File.Name, "seed": base.File.Seed, "variants": results}); err != nil {
			return fail("%v", err)
		}
		return exitOK
	}
	writeComparison(stdout, base, results)
	return exitOK
}

func changedAssumptions(base, other []scenario.Assumption) map[string]string {
	was := map[string]string{}
	for _, a := range base {
		was[a.Key] = a.Value
	}
	out := map[string]string{}
	for _, a := range other {
		if was[a.Key] != a.Value {
			out[a.Key] = a.Value
		}
	}
	return out
}

func writeComparison(w io.Writer, base *scenario.Scenario, results []*compared) {
	fmt.Fprintf(w, "scenario %s (%s), seed %d; every column on the same random numbers\n\n", base.File.Name, base.Path, base.File.Seed)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t", r.Name)
	}
	fmt.Fprintln(tw)
	for _, m := range compareMetrics {
		fmt.Fprintf(tw, "%s\t", m)
		for i, r := range results {
			cell := reports.FormatMetric(m, r.Metrics[m])
			if i > 0 {
				cell += " (" + reports.FormatDelta(m, r.Difference[m]) + ")"
			}
			fmt.Fprintf(tw, "%s\t", cell)
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	for _, r := range results[1:] {
		fmt.Fprintf(w, "\n%s differs from %s in:\n", r.Name, results[0].Name)
		for _, a := range r.assumptions {
			if v, ok := r.Assumptions[a.Key]; ok {
				fmt.Fprintf(w, "  %s: %s\n", a.Key, v)
			}
		}
	}
}

package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"

	"runsim/experiment"
	"runsim/reports"
	"runsim/scenario"
)

const capacityUsage = `usage: runsim capacity FILE --param PATH --range LO:HI --target METRIC<=VALUE [flags]

Finds, by bisection over PATH, the largest value (or with --smallest the
smallest) that keeps METRIC within the target with 95% confidence: at each
value tried, the whole confidence interval of the metric's mean over the
replications must meet the bound. It prints the answer and every value
tried with its interval. It assumes the metric moves one way with PATH.

LO and HI are numbers that may share a unit (0.5/h:20/h, 5m:6h); when both
are whole numbers without a unit the search is over integers. The target's
value may be a number, a percentage (5%) or a duration (6h).

examples:
  the highest request rate whose throttled fraction stays under 5%:
    runsim capacity scenarios/documented.yaml --param clients.admin.arrivals.poisson.rate \
      --range 1/d:48/d --target "throttled_fraction<=5%" --replications 40
  the smallest throttle limit that keeps p95 freshness under 6h:
    runsim capacity scenarios/hourly-poller.yaml --param service.throttle.limit --range 1:20 \
      --target "freshness_p95<=6h" --smallest

flags:
  --param PATH         the field to search over
  --range LO:HI        the interval searched
  --target M<=V|M>=V   the bound to keep
  --smallest           find the smallest value that keeps the bound (default: the largest)
  --tolerance X        stop when the bracket is this narrow (default: range/1000; 1 for integers)
  --replications N     replications at each value (default: the scenario's, at least 20)
  --workers N          parallel workers (default: the number of CPUs)
  --format text|json   output format (default text)
  --seed N, --set path=value   as for runsim run
`

func defaultWorkers() int { return runtime.NumCPU() }

func capacityCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("capacity", flag.ContinueOnError)
	param := fs.String("param", "", "")
	rng := fs.String("range", "", "")
	targetSpec := fs.String("target", "", "")
	smallest := fs.Bool("smallest", false, "")
	tolerance := fs.Float64("tolerance", 0, "")
	reps := fs.Int("replications", 0, "")
	workers := fs.Int("workers", defaultWorkers(), "")
	format := fs.String("format", "text", "")
	seed := fs.String("seed", "", "")
	var sets multi
	fs.Var(&sets, "set", "")
	files, code, ok := parseFlags(fs, capacityUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "runsim capacity: "+format+"\n", args...)
		return exitBadInput
	}
	switch {
	case len(files) != 1:
		return fail("want one scenario file, got %d; see runsim help capacity", len(files))
	case *param == "" || *rng == "" || *targetSpec == "":
		return fail("--param, --range and --target are all needed; see runsim help capacity")
	case *format != "text" && *format != "json":
		return fail("--format must be text or json, got %q", *format)
	case *reps < 0 || *workers < 1:
		return fail("--replications must be >= 1 and --workers >= 1")
	}
	target, err := experiment.ParseTarget(*targetSpec)
	if err != nil {
		return fail("%v", err)
	}
	lo, hi, ok := cutRange(*rng)
	if !ok {
		return fail("--range %q: want LO:HI", *rng)
	}
	if *seed != "" {
		sets = append(sets, "seed="+*seed)
	}
	base, err := scenario.Load(files[0], sets...)
	if err != nil {
		return fail("%v", err)
	}
	n := *reps
	if n == 0 {
		n = max(base.File.Replications, 20)
	}
	res, err := experiment.SearchCapacity(base, *param, lo, hi, target, *smallest, *tolerance, experiment.Options{Replications: n, Workers: *workers})
	if err != nil {
		return fail("%v", err)
	}
	if *format == "json" {
		steps := make([]map[string]any, len(res.Steps))
		for i, s := range res.Steps {
			steps[i] = map[string]any{"value": s.Value, "mean": s.Interval.Mean, "ci95_low": s.Interval.Low, "ci95_high": s.Interval.High, "n": s.Interval.N, "held": s.Held}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(map[string]any{"param": res.Param, "target": res.Target.String(), "found": res.Found, "note": res.Note, "replications": n, "steps": steps})
		return exitOK
	}
	what := "largest"
	if *smallest {
		what = "smallest"
	}
	if res.Found != "" {
		fmt.Fprintf(stdout, "%s %s = %s keeps %s with 95%% confidence (%d replications a value)\n", what, res.Param, res.Found, res.Target, n)
	} else {
		fmt.Fprintf(stdout, "no %s %s in %s keeps %s\n", what, res.Param, *rng, res.Target)
	}
	if res.Note != "" {
		fmt.Fprintf(stdout, "note: %s\n", res.Note)
	}
	fmt.Fprintf(stdout, "\nevidence, in the order tried:\n")
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s\t%s mean\t95%% CI\theld\n", res.Param, target.Metric)
	for _, s := range res.Steps {
		iv := s.Interval
		fmt.Fprintf(tw, "  %s\t%s\t[%s, %s]\t%s\n", s.Value, reports.FormatMetric(target.Metric, iv.Mean),
			reports.FormatMetric(target.Metric, iv.Low), reports.FormatMetric(target.Metric, iv.High), strconv.FormatBool(s.Held))
	}
	tw.Flush()
	return exitOK
}

// cutRange splits LO:HI.
func cutRange(s string) (string, string, bool) {
	lo, hi, ok := strings.Cut(s, ":")
	return lo, hi, ok && lo != "" && hi != "" && !strings.Contains(hi, ":")
}

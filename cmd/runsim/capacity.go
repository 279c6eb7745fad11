package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"runsim/experiment"
	"runsim/metrics"
)

var capacitySpec = sharedSpec{
	formats:      textOrJSON,
	replications: "the scenario's, at least 20",
	warmup:       true,
	seed:         true,
	set:          true,
}

var capacityUsage = `usage: runsim capacity SCENARIO --param PATH --range LO:HI --target METRIC<=VALUE [flags]

Finds, by bisection over PATH, the largest value (or with --smallest the
smallest) that keeps METRIC within the target with 95% confidence: at each
value tried, the whole confidence interval of the metric's mean over the
replications must meet the bound. It prints the answer and every value
tried with its interval. It assumes the metric moves one way with PATH.

` + scenarioArg + `
LO and HI are numbers that may share a unit (0.5/h:20/h, 5m:6h); when both
are whole numbers without a unit the search is over integers. METRIC is a
metric's name as runsim run's JSON and expectations use it (durations
without the _s suffix); the target's value may be a number, a percentage
(5%) or a duration (6h).

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
` + capacitySpec.help()

type jsonStep struct {
	Value    string  `json:"value"`
	Mean     float64 `json:"mean"`
	CI95Low  float64 `json:"ci95_low"`
	CI95High float64 `json:"ci95_high"`
	N        int     `json:"n"`
	Held     bool    `json:"held"`
}

type jsonCapacity struct {
	Param        string     `json:"param"`
	Target       string     `json:"target"`
	Metric       string     `json:"metric"` // its key: the unit of bound, mean and interval
	Bound        float64    `json:"bound"`
	Smallest     bool       `json:"smallest"`
	Found        string     `json:"found"`
	HeldAt       string     `json:"held_at,omitempty"`
	FailedAt     string     `json:"failed_at,omitempty"`
	Clearly      string     `json:"clearly_failed_at,omitempty"`
	Monotone     bool       `json:"monotone"`
	Note         string     `json:"note,omitempty"`
	Replications int        `json:"replications"`
	Steps        []jsonStep `json:"steps"`
}

// capacityFlags are runsim capacity's own flags.
type capacityFlags struct {
	param, rng, target string
	smallest           bool
	tolerance          float64
}

func (f *capacityFlags) declare(fs *flag.FlagSet) {
	stringFlags(fs, map[string]*string{"param": &f.param, "range": &f.rng, "target": &f.target})
	fs.BoolVar(&f.smallest, "smallest", false, "")
	fs.Float64Var(&f.tolerance, "tolerance", 0, "")
}

func capacityCmd(c *call, f *capacityFlags) int {
	sh, base := &c.sh, c.s
	if f.param == "" || f.rng == "" || f.target == "" {
		return c.fail("--param, --range and --target are all needed; see runsim help capacity")
	}
	target, err := experiment.ParseTarget(f.target)
	if err != nil {
		return c.fail("%v", err)
	}
	lo, hi, ok := cutRange(f.rng)
	if !ok {
		return c.fail("--range %q: want LO:HI", f.rng)
	}
	n := sh.replicationsOf(base, 20)
	tries, err := experiment.CapacityTries(lo, hi, f.tolerance)
	if err != nil {
		return c.fail("%v", err)
	}
	est := experiment.Estimate{Replications: n, Points: tries, PointsNoun: "values tried at most"}
	for _, end := range []string{lo, hi} {
		s, err := base.With(f.param + "=" + end)
		if err != nil {
			return c.fail("%v", err)
		}
		events, _, err := experiment.EstimateEvents(s)
		if err != nil {
			return c.fail("%s: %v", c.args[0], err)
		}
		est.Events = max(est.Events, events)
	}
	if err := sh.budget(est); err != nil {
		return c.fail("%v", err)
	}
	d := newDisplay(c.stderr, fmt.Sprintf("capacity of %s, at most %s events", f.param, metrics.FormatInt(est.Total())), "replications", sh.quiet)
	d.update(0, n*tries)
	res, err := experiment.SearchCapacity(base.Scenario, f.param, lo, hi, target, f.smallest, f.tolerance, experiment.Options{Replications: n, Workers: sh.workers, Progress: d.progress()})
	d.finish()
	if err != nil {
		return c.fail("%v", err)
	}
	write := func(w io.Writer) error { return writeCapacityText(w, res, f.smallest, f.rng, n) }
	if sh.format == "json" {
		write = func(w io.Writer) error {
			out := jsonCapacity{Param: res.Param, Target: res.Target.String(), Metric: target.Metric.Key(), Bound: target.Value,
				Smallest: f.smallest, Found: res.Found, HeldAt: res.HeldAt, FailedAt: res.FailedAt, Clearly: res.ClearlyFailedAt, Monotone: res.Monotone,
				Note: res.Note, Replications: n, Steps: []jsonStep{}}
			for _, s := range res.Steps {
				out.Steps = append(out.Steps, jsonStep{Value: s.Value, Mean: s.Interval.Mean, CI95Low: s.Interval.Low, CI95High: s.Interval.High, N: s.Interval.N, Held: s.Held})
			}
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			enc.SetEscapeHTML(false) // targets read metric<=value
			return enc.Encode(out)
		}
	}
	if err := output(c.stdout, "", write); err != nil {
		return c.fail("writing the answer: %v", err)
	}
	return exitOK
}

func writeCapacityText(w io.Writer, res experiment.Capacity, smallest bool, rng string, n int) error {
	what := "largest"
	if smallest {
		what = "smallest"
	}
	if res.Found != "" {
		fmt.Fprintf(w, "%s %s = %s keeps %s with 95%% confidence (%s a value)\n", what, res.Param, res.Found, res.Target, plural(n, "replication"))
		switch {
		case res.FailedAt == "":
		case res.ClearlyFailedAt == res.FailedAt:
			fmt.Fprintf(w, "  it held at %s and failed at %s\n", res.HeldAt, res.FailedAt)
		default:
			line := "  it held at " + res.HeldAt + "; between it and " + res.ClearlyFailedAt + " the 95% intervals straddle the bound"
			if res.ClearlyFailedAt == "" {
				line = "  it held at " + res.HeldAt + "; beyond it no 95% interval is wholly past the bound"
			}
			if res.Found != res.HeldAt {
				line += ", so the answer has the digits that supports"
			}
			fmt.Fprintln(w, line)
		}
	} else {
		fmt.Fprintf(w, "no %s %s in %s keeps %s\n", what, res.Param, rng, res.Target)
	}
	if res.Note != "" {
		fmt.Fprintf(w, "note: %s\n", res.Note)
	}
	fmt.Fprintf(w, "\nevidence, in the order tried:\n")
	m := res.Target.Metric
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  %s\t%s mean\t95%% CI\theld\n", res.Param, m.Name)
	for _, s := range res.Steps {
		iv := s.Interval
		fmt.Fprintf(tw, "  %s\t%s\t[%s, %s]\t%s\n", s.Value, m.Format(iv.Mean), m.Format(iv.Low), m.Format(iv.High), strconv.FormatBool(s.Held))
	}
	return tw.Flush()
}

// cutRange splits LO:HI.
func cutRange(s string) (string, string, bool) {
	lo, hi, ok := strings.Cut(s, ":")
	return lo, hi, ok && lo != "" && hi != "" && !strings.Contains(hi, ":")
}

// plural writes n and a noun, with an s when n is not 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

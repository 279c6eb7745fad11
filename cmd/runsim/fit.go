package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"runsim/fit"
)

var fitUsage = `usage: runsim fit --requests FILE --runs FILE [--base SCENARIO] [flags]

Tells which readings of the open questions (window shape and its anchor,
what counts, reserve, scheduled runs and the throttle, Retry-After, skip
rule and where it is measured from, overlap) are consistent with what the
service answered. It replays your start requests under every combination
of readings, with the observed runs' durations and outcomes, and compares
each predicted answer (status, and Retry-After in whole seconds rounded
up) and each predicted run start with the observed one.

  --requests FILE      CSV of your start requests: a header, then the
                       columns time (RFC 3339), status (202, 409 or 429),
                       retry_after (seconds, empty when none), and
                       optionally client and operation (the 202's Location)
  --runs FILE          the JSON of GET /external/industryData/runs as the
                       service returned it: one page, several pages one
                       after the other, or an array of pages
  --base SCENARIO      a scenario that fixes what is known (the schedule,
                       limit, window, lookahead, run durations); default:
                       the documented rules, the schedule's anchor taken
                       from the first run no 202 explains
  --until TIME         when the runs were listed (RFC 3339): scheduled runs
                       predicted up to then are checked (default: the last
                       request or run)
  --tolerance D        how far a Retry-After or a run start may be from the
                       predicted one (default 2s)
  --write FILE         write the base scenario with a consistent reading
` + "" + `
Output: the consistent readings, grouped where they predict the same, then
each ruled-out reading with how many answers and runs it contradicts and the
first contradiction (time, observed, predicted). --format json prints
{"consistent": [READING, ...], "inconsistent": [{"reading": READING,
"contradictions": N, "first": {...}}]}, READING mapping scenario paths to
values.

Exit code 0 when at least one reading is consistent; 1 when none is (what
the service did that no reading covers is printed); 2 for bad input
(FILE:LINE: what is wrong).

` + fitSpec.help()

// fitFlags are runsim fit's own flags.
type fitFlags struct {
	requests, runs, base, until, write string
	tolerance                          time.Duration
}

func (f *fitFlags) declare(fs *flag.FlagSet) {
	stringFlags(fs, map[string]*string{"requests": &f.requests, "runs": &f.runs, "base": &f.base, "until": &f.until, "write": &f.write})
	fs.DurationVar(&f.tolerance, "tolerance", fit.DefaultTolerance, "")
}

func fitCmd(c *call, f *fitFlags) int {
	switch {
	case f.requests == "" || f.runs == "":
		return c.fail("give both --requests FILE and --runs FILE; see runsim help fit")
	case f.tolerance < 0:
		return c.fail("--tolerance must be >= 0, got %s", f.tolerance)
	}
	log, err := readLog(f.requests, f.runs)
	if err != nil {
		return c.fail("%v", err)
	}
	if f.until != "" {
		if log.Until, err = time.Parse(time.RFC3339Nano, f.until); err != nil {
			return c.fail("--until %q: want an RFC 3339 instant, e.g. 2025-01-07T02:00:00Z", f.until)
		}
	}
	base, err := c.fitBase(f.base)
	if err != nil {
		return c.fail("%v", err)
	}
	res, err := fit.Fit(log, fit.Options{Tolerance: f.tolerance, Base: base.Scenario})
	if err != nil {
		return c.fail("%v", err)
	}
	if err := output(c.stdout, "", func(w io.Writer) error { return printFit(w, c.sh.format, res) }); err != nil {
		return c.fail("%v", err)
	}
	if len(res.Consistent) == 0 {
		return exitFailed
	}
	if f.write != "" {
		settings := res.Settings
		if f.base == "" {
			settings = append(settings, c.sh.sets...)
		}
		data, err := fit.WriteScenario(f.write, base.source, res.Consistent[0][0], settings)
		if err != nil {
			return c.fail("%v", err)
		}
		if err := output(nil, f.write, func(w io.Writer) error { _, err := w.Write(data); return err }); err != nil {
			return c.fail("%v", fileError(f.write, err))
		}
		c.wrote("a scenario with a consistent reading", f.write)
	}
	return exitOK
}

// fitBase is what fit and probe take as known: the scenario --base names,
// with the overrides; else, when there are overrides, fit's default base
// with them; else none.
func (c *call) fitBase(path string) (loaded, error) {
	if path != "" {
		return c.sh.load(path)
	}
	if len(c.sh.sets) == 0 {
		return loaded{}, nil
	}
	s, err := fit.DefaultBase().With(c.sh.sets...)
	return loaded{Scenario: s}, err
}

// readLog reads the two files fit compares.
func readLog(requests, runs string) (fit.Log, error) {
	f, err := os.Open(requests)
	if err != nil {
		return fit.Log{}, fileError(requests, err)
	}
	defer f.Close()
	reqs, err := fit.ReadRequests(requests, io.LimitReader(f, 64<<20))
	if err != nil {
		return fit.Log{}, err
	}
	data, err := os.ReadFile(runs)
	if err != nil {
		return fit.Log{}, fileError(runs, err)
	}
	rs, err := fit.ReadRuns(runs, data)
	if err != nil {
		return fit.Log{}, err
	}
	return fit.Log{Requests: reqs, Runs: rs}, nil
}

func printFit(w io.Writer, format string, res *fit.Result) error {
	if format == "json" {
		type out struct {
			Consistent   []fit.Reading       `json:"consistent"`
			Inconsistent []fit.Verdict       `json:"inconsistent"`
			Unexplained  []fit.Contradiction `json:"unexplained,omitempty"`
		}
		o := out{Consistent: res.Readings(), Inconsistent: res.Inconsistent, Unexplained: res.Unexplained}
		if o.Consistent == nil {
			o.Consistent = []fit.Reading{}
		}
		if o.Inconsistent == nil {
			o.Inconsistent = []fit.Verdict{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	consistent := res.Readings()
	fmt.Fprintf(w, "%d readings tried: %d consistent", res.Tried, len(consistent))
	if len(consistent) > 0 {
		if len(res.Consistent) == 1 {
			fmt.Fprint(w, ", in 1 group that predicts the same of this log")
		} else {
			fmt.Fprintf(w, ", in %d groups that predict the same of this log", len(res.Consistent))
		}
	}
	fmt.Fprintf(w, "; %d ruled out\n", len(res.Inconsistent))
	for i, g := range res.Consistent {
		fmt.Fprintf(w, "\nconsistent, group %d (%d readings):\n", i+1, len(g))
		for _, r := range g {
			fmt.Fprintf(w, "  %s\n", r.Key())
		}
	}
	if len(consistent) == 0 {
		fmt.Fprintln(w, "\nno reading explains what the service did:")
		for _, c := range res.Unexplained {
			fmt.Fprintf(w, "  %s %s%s: observed %s, which no reading predicts\n", c.Time.Format(time.RFC3339Nano), c.What, lineOf(c), c.Observed)
		}
		if len(res.Unexplained) == 0 && len(res.Inconsistent) > 0 {
			v := res.Inconsistent[0]
			fmt.Fprintf(w, "  no one observation contradicts them all; the nearest, %s, contradicts %d, the first %s\n", v.Reading.Key(), v.Contradictions, v.First)
		}
	}
	if len(res.Inconsistent) > 0 {
		fmt.Fprintln(w, "\nruled out (contradictions, the first):")
		for _, v := range res.Inconsistent {
			c := v.First
			fmt.Fprintf(w, "  %s\n    %d; %s %s%s: observed %s, predicted %s\n", v.Reading.Key(), v.Contradictions,
				c.Time.Format(time.RFC3339Nano), c.What, lineOf(*c), c.Observed, c.Predicted)
		}
	}
	return nil
}

func lineOf(c fit.Contradiction) string {
	if c.Line == 0 {
		return ""
	}
	return fmt.Sprintf(" (line %d)", c.Line)
}

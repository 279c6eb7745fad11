package main

import (
	"flag"
	"fmt"
	"io"

	"runsim/experiment"
	"runsim/internal/atomicfile"
	"runsim/metrics"
	"runsim/reports"
	"runsim/sim"
)

var runSpec = sharedSpec{
	formats:      textOrJSON,
	replications: "the scenario's replications, 1 unless it says",
	report:       "report.html, report.md, summary.json and the charts (PNG, SVG, CSV) of the first replication",
	warmup:       true,
	seed:         true,
	set:          true,
}

var runUsage = `usage: runsim run SCENARIO [flags]

Simulates the scenario from its start to its horizon and prints a summary:
one row per metric (requests and their answers: 202 accepted, 429
throttled, 409 conflict; retries and requests given up; runs started,
succeeded and failed; scheduled runs and skips; lateness; freshness, the
time since the last successful run finished; latency; throttle window
occupancy), then details (scheduled runs due, skips by reason) and the
policy settings in force as "assumptions". With more than one replication
each metric also has its mean and 95% confidence interval.

` + scenarioArg + `
flags:
  --trace PATH         also write every event of the first replication, one
                       per line, to PATH: text for .trace, .txt and .log,
                       CSV for .csv, JSON lines for .jsonl and .ndjson, a
                       JSON array for .json. The file is written whole or not
                       at all. --trace - writes the trace to standard output
                       (as text unless --trace-format says) and the summary
                       to standard error.
  --trace-format F     the trace's format whatever its name: text, csv,
                       jsonl or json
` + runSpec.help() + `
Before it starts, run estimates the simulated events (a short pilot run)
and refuses more than --max-events; on a terminal it shows the estimate
and the progress on standard error. It says there what files it wrote,
unless --quiet.

examples:
  runsim run scenarios/documented.yaml --format json --trace out/documented.csv
  runsim run documented --replications 20
  runsim run documented --trace - --trace-format jsonl | jq .kind
`

// runFlags are runsim run's own flags.
type runFlags struct{ trace, traceFormat string }

func (f *runFlags) declare(fs *flag.FlagSet) {
	stringFlags(fs, map[string]*string{"trace": &f.trace, "trace-format": &f.traceFormat})
}

func runCmd(c *call, f *runFlags) int {
	sh, s, file := &c.sh, c.s, c.args[0]
	var target traceTarget
	if f.trace != "" {
		var err error
		if target, err = parseTrace(f.trace, f.traceFormat); err != nil {
			return c.fail("%v", err)
		}
	} else if f.traceFormat != "" {
		return c.fail("--trace-format needs --trace")
	}
	events, exact, err := experiment.EstimateEvents(s.Scenario)
	if err != nil {
		return c.fail("%s: %v", file, err)
	}
	reps := sh.replicationsOf(s, 1)
	est := experiment.Estimate{Events: events, Exact: exact, Replications: reps, Points: 1}
	if err := sh.budget(est); err != nil {
		return c.fail("%v", err)
	}

	// The summary goes to standard output, unless the trace does.
	summaryOut := c.stdout
	if target.stdout() {
		summaryOut = c.stderr
	}
	what := fmt.Sprintf("run %s, about %s events", s.File.Name, metrics.FormatInt(est.Total()))
	unit, total := "events", int(events)
	if reps > 1 {
		unit, total = "replications", reps
	}
	d := newDisplay(c.stderr, what, unit, sh.quiet)
	// Events are counted for the display of one replication only, as
	// each costs a call.
	var observers []sim.Observer
	if reps == 1 && d != nil {
		observers = append(observers, &eventCounter{total: events, d: d})
	}
	var trace *atomicfile.File
	var traceWriter *sim.TraceWriter
	var array *jsonArray
	var lines *lineCounter // the trace's lines, one per event (and CSV's header)
	if target.path != "" {
		var w io.Writer = c.stdout
		if !target.stdout() {
			if trace, err = atomicfile.Create(target.path); err != nil {
				return c.fail("--trace: %v", err)
			}
			defer trace.Abort() // a no-op once committed
			w = trace
		}
		if target.array {
			array = &jsonArray{w: w}
			w = array
		}
		lines = &lineCounter{w: w}
		w = lines
		traceWriter = sim.NewTraceWriter(w, target.format)
		observers = append(observers, traceWriter)
	}
	var timeline *metrics.Timeline
	if sh.report != "" {
		if timeline, err = experiment.NewTimeline(s.Scenario); err != nil {
			return c.fail("%s: %v", file, err)
		}
		observers = append(observers, timeline)
	}
	d.update(0, total)
	first, acc, err := experiment.Replicate(s.Scenario, experiment.Options{Replications: reps, Workers: sh.workers, First: observers, Progress: d.progress()})
	d.finish()
	if err != nil {
		return c.fail("%s: %v", file, err)
	}
	if traceWriter != nil {
		err := traceWriter.Flush()
		if err == nil && array != nil {
			err = array.Close()
		}
		if err == nil && trace != nil {
			err = trace.Commit()
		}
		if err != nil {
			if target.stdout() {
				return c.fail("writing the trace to standard output: %v", err)
			}
			return c.fail("--trace: %v", fileError(target.path, err))
		}
		if trace != nil {
			n := lines.n
			if target.format == sim.TraceCSV {
				n-- // the header
			}
			c.wrote(fmt.Sprintf("the trace (%s events)", metrics.FormatInt(n)), target.path)
		}
	}
	report := reports.RunReport{Scenario: s.File.Name, File: file, Seed: s.File.Seed, Summary: first, Aggregate: acc, Assumptions: assumptions(s.Scenario)}
	if timeline != nil {
		write := func(dir string, page reports.Page) error { return reports.WriteRun(dir, page, timeline) }
		if err := c.writeReport("Capacity report: ", func(p *reports.Page) { p.Run = &report }, write); err != nil {
			return c.fail("%v", err)
		}
	}
	write := report.WriteText
	if sh.format == "json" {
		write = report.WriteJSON
	}
	if err := output(summaryOut, "", write); err != nil {
		return c.fail("writing the summary: %v", err)
	}
	return exitOK
}

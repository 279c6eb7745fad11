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
	formats:      []string{"text", "json"},
	replications: "the scenario's replications, 1 unless it says",
	report:       "report.html, report.md, summary.json and the charts (PNG, SVG, CSV) of the first replication",
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
                       per line, to PATH: .csv, .jsonl, or text for .trace,
                       .txt and .log. The file is written whole or not at all.
` + runSpec.help() + `
example:
  runsim run scenarios/documented.yaml --format json --trace out/documented.csv
  runsim run documented --replications 20
`

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	var sh shared
	sh.declare(fs, runSpec)
	tracePath := fs.String("trace", "", "")
	files, code, ok := parseFlags(fs, runUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "runsim run: "+format+"\n", args...)
		return exitBadInput
	}
	if len(files) != 1 {
		return fail("want one scenario file, got %d; see runsim help run", len(files))
	}
	if err := sh.check(); err != nil {
		return fail("%v", err)
	}
	var traceFormat sim.TraceFormat
	if *tracePath != "" {
		f, err := sim.TraceFormatFor(*tracePath)
		if err != nil {
			return fail("--trace: %v", err)
		}
		traceFormat = f
	}
	s, err := sh.load(files[0])
	if err != nil {
		return fail("%v", err)
	}
	var observers []sim.Observer
	var trace *atomicfile.File
	var traceWriter *sim.TraceWriter
	if *tracePath != "" {
		if trace, err = atomicfile.Create(*tracePath); err != nil {
			return fail("--trace: %v", err)
		}
		defer trace.Abort() // a no-op once committed
		traceWriter = sim.NewTraceWriter(trace, traceFormat)
		observers = append(observers, traceWriter)
	}
	var timeline *metrics.Timeline
	if sh.report != "" {
		if timeline, err = experiment.NewTimeline(s.Scenario); err != nil {
			return fail("%s: %v", files[0], err)
		}
		observers = append(observers, timeline)
	}
	first, acc, err := experiment.Replicate(s.Scenario, experiment.Options{Replications: sh.replications, Workers: sh.workers, First: observers})
	if err != nil {
		return fail("%s: %v", files[0], err)
	}
	if trace != nil {
		if err := traceWriter.Flush(); err != nil {
			return fail("--trace: %v", err)
		}
		if err := trace.Commit(); err != nil {
			return fail("--trace: %v", err)
		}
	}
	report := reports.RunReport{Scenario: s.File.Name, File: files[0], Seed: s.File.Seed, Summary: first, Aggregate: acc, Assumptions: assumptions(s.Scenario)}
	if timeline != nil {
		page := newPage(s, files[0], "Capacity report: "+s.File.Name)
		page.Run = &report
		if err := reports.WriteRun(sh.report, page, timeline); err != nil {
			return fail("--report: %v", err)
		}
	}
	write := report.WriteText
	if sh.format == "json" {
		write = report.WriteJSON
	}
	if err := output(stdout, write); err != nil {
		return fail("writing the summary: %v", err)
	}
	return exitOK
}

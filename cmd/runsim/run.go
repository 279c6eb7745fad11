package main

import (
	"flag"
	"fmt"
	"io"
	"runsim/metrics"
	"strconv"

	"runsim/experiment"
	"runsim/internal/atomicfile"
	"runsim/reports"
	"runsim/scenario"
	"runsim/sim"
)

const runUsage = `usage: runsim run FILE [flags]

Simulates the scenario in FILE from its start to its horizon and prints a
summary: requests and their answers (202 accepted, 429 throttled,
409 conflict), retries and requests given up, runs started, succeeded and
failed, scheduled runs due, run and skipped (by reason), and the freshness
of the data (time since the last successful run finished: time-weighted
mean, p95 and max). The policy settings in force are printed with it as
"assumptions".

flags:
  --format text|json   output format (default text). json prints one object
                       with snake_case fields and durations in seconds.
  --trace PATH         also write every event, one per line, to PATH: .csv,
                       .jsonl, or text for .trace, .txt and .log. The file is
                       written whole or not at all.
  --seed N             use seed N instead of the scenario's seed.
  --replications N     run N independent replications (seeds derived from the
                       scenario's); every metric is then reported as a mean
                       with its 95% confidence interval (default: the
                       scenario's replications, 1 unless it says)
  --workers N          run replications on N goroutines (default: CPUs);
                       the results do not depend on it
  --report DIR         also write report.html, report.md, summary.json and
                       the charts (PNG, SVG, CSV) of the first replication
  --set path=value     override a scenario field, e.g.
                       --set service.throttle.limit=6 or
                       --set clients.admin.arrivals.poisson.rate=2/h
                       (repeatable; list items by index or by name).

example:
  runsim run scenarios/documented.yaml --format json --trace out/documented.csv
`

func runCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	format := fs.String("format", "text", "")
	tracePath := fs.String("trace", "", "")
	seed := fs.String("seed", "", "")
	reps := fs.Int("replications", 0, "")
	workers := fs.Int("workers", defaultWorkers(), "")
	reportDir := fs.String("report", "", "")
	var sets multi
	fs.Var(&sets, "set", "")
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
	if *format != "text" && *format != "json" {
		return fail("--format must be text or json, got %q", *format)
	}
	if *reps < 0 || *workers < 1 {
		return fail("--replications must be >= 1 and --workers >= 1")
	}
	var traceFormat sim.TraceFormat
	if *tracePath != "" {
		f, err := sim.TraceFormatFor(*tracePath)
		if err != nil {
			return fail("--trace: %v", err)
		}
		traceFormat = f
	}
	s, err := scenario.Load(files[0], sets...)
	if err != nil {
		return fail("%v", err)
	}
	if *seed != "" {
		n, err := strconv.ParseUint(*seed, 10, 64)
		if err != nil {
			return fail("--seed must be a whole number >= 0, got %q", *seed)
		}
		s.File.Seed = n
	}
	cfg, err := s.Config()
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
	if *reportDir != "" {
		timeline = metrics.NewTimeline(cfg.Start, cfg.End)
		observers = append(observers, timeline)
	}
	first, acc, err := experiment.Replicate(s, experiment.Options{Replications: *reps, Workers: *workers, First: observers})
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
	report := reports.RunReport{Scenario: s.File.Name, File: files[0], Seed: s.File.Seed, Summary: first, Aggregate: acc}
	for _, a := range s.Assumptions() {
		report.Assumptions = append(report.Assumptions, reports.Assumption{Key: a.Key, Value: a.Value})
	}
	if timeline != nil {
		page := newPage(s, files[0], "Capacity report: "+s.File.Name)
		page.Run = &report
		if err := reports.WriteRun(*reportDir, page, timeline); err != nil {
			return fail("--report: %v", err)
		}
	}
	if *format == "json" {
		err = report.WriteJSON(stdout)
	} else {
		err = report.WriteText(stdout)
	}
	if err != nil {
		return fail("writing the summary: %v", err)
	}
	return exitOK
}

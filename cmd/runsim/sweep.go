package main

import (
	"flag"
	"fmt"
	"io"

	"runsim/experiment"
	"runsim/reports"
)

var sweepSpec = sharedSpec{
	formats:      []string{"csv", "json"},
	replications: "the scenario's replications",
	report:       "report.html, report.md, summary.json and a chart (PNG, SVG, CSV) per key metric",
}

var sweepUsage = `usage: runsim sweep SCENARIO --param PATH=VALUES [--param ...] [flags]

Runs the scenario at every point of a grid of parameter values, each point
with several replications, and writes one row per point and metric with the
mean and its 95% confidence interval (Student t). Points run in parallel;
the results are the same whatever the number of workers, and every point
uses the same seeds (common random numbers).

` + scenarioArg + `
VALUES is a list, v1,v2,..., or a range, from:to:step, of numbers that may
share a unit: 0.5/h:4/h:0.5/h, 1h:6h:1h, 3:8:1. Two --param make a grid.

flags:
  --param PATH=VALUES  a field and its values (repeatable)
  --out FILE           write there instead of standard output (whole or not
                       at all)
  --quiet              no progress bar (it is drawn only on a terminal anyway)
` + sweepSpec.help() + `
example:
  runsim sweep scenarios/documented.yaml --param clients.admin.arrivals.poisson.rate=1/d:12/d:1/d --replications 50
`

func sweepCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	var sh shared
	sh.declare(fs, sweepSpec)
	var paramSpecs multi
	fs.Var(&paramSpecs, "param", "")
	out := fs.String("out", "", "")
	quiet := fs.Bool("quiet", false, "")
	files, code, ok := parseFlags(fs, sweepUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "runsim sweep: "+format+"\n", args...)
		return exitBadInput
	}
	if len(files) != 1 {
		return fail("want one scenario file, got %d; see runsim help sweep", len(files))
	}
	if err := sh.check(); err != nil {
		return fail("%v", err)
	}
	if len(paramSpecs) == 0 {
		return fail("no --param given; see runsim help sweep")
	}
	base, err := sh.load(files[0])
	if err != nil {
		return fail("%v", err)
	}
	var params []experiment.Param
	sw := &reports.SweepReport{}
	for _, spec := range paramSpecs {
		p, err := experiment.ParseParam(spec)
		if err != nil {
			return fail("%v", err)
		}
		params = append(params, p)
		sw.Params = append(sw.Params, p.Path)
	}
	update, finish := progress(stderr, "sweep", *quiet)
	err = experiment.Sweep(base.Scenario, params, experiment.Options{Replications: sh.replications, Workers: sh.workers, Progress: update},
		func(p experiment.Point) error {
			sw.Points = append(sw.Points, reports.SweepPoint{Values: p.Values, Aggregate: p.Aggregate})
			return nil
		})
	finish()
	if err != nil {
		return fail("%v", err)
	}
	write := sw.WriteCSV
	if sh.format == "json" {
		write = sw.WriteJSON
	}
	if *out != "" {
		err = toFile(*out, write)
	} else {
		err = output(stdout, write)
	}
	if err != nil {
		return fail("writing the sweep: %v", err)
	}
	if sh.report != "" {
		page := newPage(base, files[0], "Sweep report: "+base.File.Name)
		page.Sweep = sw
		if err := reports.WriteSweep(sh.report, page); err != nil {
			return fail("--report: %v", err)
		}
	}
	return exitOK
}

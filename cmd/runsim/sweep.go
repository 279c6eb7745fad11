package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"runsim/metrics"
	"strconv"

	"runsim/experiment"
	"runsim/internal/atomicfile"
	"runsim/scenario"
)

const sweepUsage = `usage: runsim sweep FILE --param PATH=VALUES [--param ...] [flags]

Runs the scenario at every point of a grid of parameter values, each point
with several replications, and writes one row per point and metric with the
mean and its 95% confidence interval (Student t). Points run in parallel;
the results are the same whatever the number of workers, and every point
uses the same seeds (common random numbers).

VALUES is a list, v1,v2,..., or a range, from:to:step, of numbers that may
share a unit: 0.5/h:4/h:0.5/h, 1h:6h:1h, 3:8:1. Two --param make a grid.

flags:
  --param PATH=VALUES  a field and its values (repeatable)
  --replications N     replications per point (default: the scenario's replications)
  --workers N          parallel workers (default: the number of CPUs)
  --format csv|json    output format (default csv)
  --out FILE           write there instead of standard output
  --report DIR         also write an HTML and Markdown report with charts
  --quiet              no progress bar (it is drawn only on a terminal anyway)
  --seed N, --set path=value   as for runsim run

example:
  runsim sweep scenarios/documented.yaml --param clients.admin.arrivals.poisson.rate=1/d:12/d:1/d --replications 50
`

func sweepCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sweep", flag.ContinueOnError)
	var paramSpecs, sets multi
	fs.Var(&paramSpecs, "param", "")
	fs.Var(&sets, "set", "")
	reps := fs.Int("replications", 0, "")
	workers := fs.Int("workers", defaultWorkers(), "")
	format := fs.String("format", "csv", "")
	out := fs.String("out", "", "")
	reportDir := fs.String("report", "", "")
	quiet := fs.Bool("quiet", false, "")
	seed := fs.String("seed", "", "")
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
	if *format != "csv" && *format != "json" {
		return fail("--format must be csv or json, got %q", *format)
	}
	if *reps < 0 || *workers < 1 {
		return fail("--replications must be >= 1 and --workers >= 1")
	}
	if len(paramSpecs) == 0 {
		return fail("no --param given; see runsim help sweep")
	}
	if *seed != "" {
		sets = append(sets, "seed="+*seed)
	}
	base, err := scenario.Load(files[0], sets...)
	if err != nil {
		return fail("%v", err)
	}
	var params []experiment.Param
	for _, spec := range paramSpecs {
		p, err := experiment.ParseParam(spec)
		if err != nil {
			return fail("%v", err)
		}
		params = append(params, p)
	}
	update, finish := progress(stderr, "sweep", *quiet)
	var points []experiment.Point
	err = experiment.Sweep(base, params, experiment.Options{Replications: *reps, Workers: *workers, Progress: update},
		func(p experiment.Point) error { points = append(points, p); return nil })
	finish()
	if err != nil {
		return fail("%v", err)
	}
	var buf bytes.Buffer
	if *format == "json" {
		err = writeSweepJSON(&buf, params, points)
	} else {
		err = writeSweepCSV(&buf, params, points)
	}
	if err != nil {
		return fail("%v", err)
	}
	if *out != "" {
		if err := atomicfile.Write(*out, buf.Bytes()); err != nil {
			return fail("--out: %v", err)
		}
	} else if _, err := stdout.Write(buf.Bytes()); err != nil {
		return fail("%v", err)
	}
	if *reportDir != "" {
		if err := writeSweepReport(*reportDir, base, files[0], params, points); err != nil {
			return fail("--report: %v", err)
		}
	}
	return exitOK
}

func writeSweepCSV(w io.Writer, params []experiment.Param, points []experiment.Point) error {
	cw := csv.NewWriter(w)
	header := []string{}
	for _, p := range params {
		header = append(header, p.Path)
	}
	cw.Write(append(header, "metric", "mean", "ci95_low", "ci95_high", "n"))
	num := func(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }
	for _, pt := range points {
		for _, m := range metrics.MetricNames {
			iv := pt.Aggregate.Interval(m)
			row := append(append([]string{}, pt.Values...), m, num(iv.Mean), num(iv.Low), num(iv.High), strconv.Itoa(iv.N))
			cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}

type jsonPoint struct {
	Params  map[string]string             `json:"params"`
	Metrics map[string]map[string]float64 `json:"metrics"`
}

func writeSweepJSON(w io.Writer, params []experiment.Param, points []experiment.Point) error {
	out := make([]jsonPoint, len(points))
	for i, pt := range points {
		jp := jsonPoint{Params: map[string]string{}, Metrics: map[string]map[string]float64{}}
		for j, p := range params {
			jp.Params[p.Path] = pt.Values[j]
		}
		for _, m := range metrics.MetricNames {
			iv := pt.Aggregate.Interval(m)
			jp.Metrics[m] = map[string]float64{"mean": iv.Mean, "ci95_low": iv.Low, "ci95_high": iv.High, "n": float64(iv.N)}
		}
		out[i] = jp
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

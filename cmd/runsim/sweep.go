package main

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"

	"runsim/experiment"
	"runsim/metrics"
	"runsim/reports"
)

var sweepSpec = sharedSpec{
	formats:      []string{"csv", "json"},
	replications: "the scenario's replications",
	report:       "report.html, report.md, summary.json and a chart (PNG, SVG, CSV) per key metric",
	warmup:       true,
	seed:         true,
	set:          true,
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
  --shard K/N          run only shard K of N (1 <= K <= N) and write it with
                       a header naming the sweep and the shard, for runsim
                       merge. Point i of the grid (from 0, the first param
                       varying slowest) is in shard i mod N + 1, whatever
                       the workers. auto/N takes K from the array-job index
                       (from 0) of the engine: JOB_COMPLETION_INDEX
                       (Kubernetes Indexed Job), SLURM_ARRAY_TASK_ID (less
                       SLURM_ARRAY_TASK_MIN, over SLURM_ARRAY_TASK_STEP),
                       AWS_BATCH_JOB_ARRAY_INDEX, CLOUD_RUN_TASK_INDEX, the
                       first set; auto/auto also takes N from
                       CLOUD_RUN_TASK_COUNT. Not with --report (give it to
                       runsim merge).
` + sweepSpec.help() + `
examples:
  runsim sweep scenarios/documented.yaml --param clients.admin.arrivals.poisson.rate=1/d:12/d:1/d --replications 50
  runsim sweep documented --param clients.admin.arrivals.poisson.rate=1/d:12/d:1/d --shard auto/4 --out shards/$JOB_COMPLETION_INDEX.csv
`

// sweepFlags are runsim sweep's own flags.
type sweepFlags struct {
	params     multi
	out, shard string
}

func (f *sweepFlags) declare(fs *flag.FlagSet) {
	fs.Var(&f.params, "param", "")
	stringFlags(fs, map[string]*string{"out": &f.out, "shard": &f.shard})
}

func sweepCmd(c *call, f *sweepFlags) int {
	sh, base := &c.sh, c.s
	if len(f.params) == 0 {
		return c.fail("no --param given; see runsim help sweep")
	}
	shard := experiment.Whole
	if f.shard != "" {
		k, from, err := experiment.ParseShard(f.shard, os.Getenv)
		if err != nil {
			return c.fail("%v", err)
		}
		shard = k
		if sh.report != "" {
			return c.fail("--report writes the report of the whole sweep: give it to runsim merge, not to a shard")
		}
		if from != "" {
			fmt.Fprintf(c.stderr, "runsim sweep: shard %s (from %s)\n", shard, from)
		}
	}
	var params []experiment.Param
	sw := &reports.SweepReport{}
	for _, spec := range f.params {
		p, err := experiment.ParseParam(spec)
		if err != nil {
			return c.fail("%v", err)
		}
		params = append(params, p)
		sw.Params = append(sw.Params, p.Path)
	}
	points := 1
	for _, p := range params {
		points *= len(p.Values)
	}
	if shard != experiment.Whole {
		points = (points + shard.N - 1) / shard.N // at most
	}
	events, exact, err := experiment.EstimateEvents(base.Scenario)
	if err != nil {
		return c.fail("%v", err)
	}
	est := experiment.Estimate{Events: events, Exact: exact, Replications: sh.replicationsOf(base, 1), Points: points, PointsNoun: "points"}
	if err := sh.budget(est); err != nil {
		return c.fail("%v", err)
	}
	d := newDisplay(c.stderr, fmt.Sprintf("sweep %d points, about %s events", points, metrics.FormatInt(est.Total())), "replications", sh.quiet)
	opts := experiment.Options{Replications: sh.replications, Workers: sh.workers, Progress: d.progress()}
	err = experiment.SweepShard(base.Scenario, params, shard, opts,
		func(p experiment.Point) error {
			sw.Points = append(sw.Points, reports.SweepPoint{Values: p.Values, Aggregate: p.Aggregate})
			return nil
		})
	d.finish()
	if err != nil {
		return c.fail("%v", err)
	}
	write := sw.WriteCSV
	if sh.format == "json" {
		write = sw.WriteJSON
	}
	if f.shard != "" {
		h, err := shardHeader(c, params, opts, shard)
		if err != nil {
			return c.fail("%v", err)
		}
		write = func(w io.Writer) error { return sw.WriteShardCSV(w, h) }
		if sh.format == "json" {
			write = func(w io.Writer) error { return sw.WriteShardJSON(w, h) }
		}
	}
	if err := output(c.stdout, f.out, write); err != nil {
		return c.fail("writing the sweep: %v", err)
	}
	if f.out != "" {
		c.wrote("the sweep", f.out)
	}
	if sh.report != "" {
		if err := c.writeReport("Sweep report: ", func(p *reports.Page) { p.Sweep = sw }, reports.WriteSweep); err != nil {
			return c.fail("%v", err)
		}
	}
	return exitOK
}

// shardHeader identifies a shard of the sweep of base over params.
func shardHeader(c *call, params []experiment.Param, opts experiment.Options, shard experiment.Shard) (reports.ShardHeader, error) {
	base := c.s
	page, err := c.page("Sweep report: ")
	if err != nil {
		return reports.ShardHeader{}, err
	}
	version := buildVersion()
	fp, err := experiment.Fingerprint(base.Scenario, params, opts, version)
	if err != nil {
		return reports.ShardHeader{}, err
	}
	h := reports.ShardHeader{
		Sweep: fp, Shard: shard.K, Of: shard.N, GridPoints: len(experiment.Grid(params)),
		Replications: experiment.Replications(base.Scenario, opts), Seed: base.File.Seed, Version: version,
		Page: reports.ShardPageOf(page),
	}
	for _, p := range params {
		h.Params = append(h.Params, reports.ShardParam{Path: p.Path, Values: p.Values})
	}
	return h, nil
}

// buildVersion names the build of runsim for a shard's header, so that
// shards of different builds do not merge: the version set with
// -ldflags "-X main.version=...", else the module's version with the
// commit it was built from (and "+dirty" for uncommitted changes), then
// the Go version. A build that names no version and commit, or a dirty
// one, adds "exe:" and a SHA-256 prefix of its own executable: the same
// binary merges with itself, two different ones do not.
func buildVersion() string {
	v := version
	var rev string
	dirty := false
	goVersion := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = " " + bi.GoVersion
		if v == "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision":
				rev = " " + s.Value
			case s.Key == "vcs.modified" && s.Value == "true":
				dirty = true
			}
		}
	}
	known := v != "" || rev != ""
	if v == "" {
		v = "devel"
	}
	v += rev
	if dirty {
		v += "+dirty"
	}
	v += goVersion
	if version == "" && (!known || dirty) {
		v += " exe:" + executableDigest()
	}
	return v
}

// executableDigest is the start of the SHA-256 of the running executable,
// or "unknown"; computed once.
var executableDigest = sync.OnceValue(func() string {
	path, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	f, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "unknown"
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
})

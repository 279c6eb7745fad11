package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sweepArgs is a quick sweep of documented.yaml over params.
func sweepArgs(params []string, extra ...string) []string {
	args := []string{"sweep", documented, "--set", "horizon=3d", "--replications", "3", "--quiet"}
	for _, p := range params {
		args = append(args, "--param", p)
	}
	return append(args, extra...)
}

// writeShards runs shard k/n of the sweep for every k into dir, each on a
// different number of workers, and returns the files.
func writeShards(t *testing.T, dir string, params []string, n int, format string, extra ...string) []string {
	t.Helper()
	var files []string
	for k := 1; k <= n; k++ {
		f := filepath.Join(dir, fmt.Sprintf("shard-%d.%s", k, format))
		code, _, errOut := runsim(sweepArgs(params, append([]string{"--format", format, "--shard", fmt.Sprintf("%d/%d", k, n),
			"--workers", strconv.Itoa(k%3 + 1), "--out", f}, extra...)...)...)
		require.Equal(t, 0, code, errOut)
		files = append(files, f)
	}
	return files
}

// TestMergeEqualsUnsharded: for several grids and shard counts (N = 1, and
// N above the number of points), merging the shards gives the unsharded
// sweep's bytes, in CSV and in JSON.
func TestMergeEqualsUnsharded(t *testing.T) {
	grids := []struct {
		name   string
		params []string
	}{
		{name: "one value", params: []string{"service.throttle.limit=5"}},
		{name: "a range", params: []string{"clients.admin.arrivals.poisson.rate=1/d:9/d:2/d"}},
		{name: "a grid of two", params: []string{"clients.admin.arrivals.poisson.rate=2/d,8/d,14/d", "service.throttle.kind=sliding,token-bucket"}},
	}
	for _, g := range grids {
		for _, format := range []string{"csv", "json"} {
			whole := filepath.Join(t.TempDir(), "whole."+format)
			code, _, errOut := runsim(sweepArgs(g.params, "--format", format, "--out", whole)...)
			require.Equal(t, 0, code, errOut)
			want := read(t, whole)
			for _, n := range []int{1, 2, 3, 7} {
				t.Run(fmt.Sprintf("%s/%s/N=%d", g.name, format, n), func(t *testing.T) {
					dir := t.TempDir()
					writeShards(t, dir, g.params, n, format)
					merged := filepath.Join(t.TempDir(), "merged."+format)
					code, _, errOut := runsim("merge", dir, "--out", merged)
					require.Equal(t, 0, code, errOut)
					assert.Equal(t, want, read(t, merged))

					code, out, errOut := runsim("merge", dir) // to standard output
					require.Equal(t, 0, code, errOut)
					assert.Equal(t, want, out)
				})
			}
		}
	}
}

// TestMergeReport: merge --report writes the report the unsharded sweep
// writes, file for file and byte for byte.
func TestMergeReport(t *testing.T) {
	params := []string{"clients.admin.arrivals.poisson.rate=1/d:9/d:4/d", "service.throttle.kind=sliding,token-bucket"}
	wantDir := filepath.Join(t.TempDir(), "report")
	code, _, errOut := runsim(sweepArgs(params, "--report", wantDir, "--out", filepath.Join(t.TempDir(), "whole.csv"))...)
	require.Equal(t, 0, code, errOut)
	for _, format := range []string{"csv", "json"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			writeShards(t, dir, params, 4, format)
			gotDir := filepath.Join(t.TempDir(), "report")
			code, _, errOut := runsim("merge", dir, "--report", gotDir, "--out", filepath.Join(t.TempDir(), "merged."+format))
			require.Equal(t, 0, code, errOut)
			files := names(t, wantDir)
			require.Equal(t, files, names(t, gotDir))
			for _, name := range files {
				assert.Equal(t, withoutCommand(read(t, filepath.Join(wantDir, name))), withoutCommand(read(t, filepath.Join(gotDir, name))), name)
			}
		})
	}
}

// TestShardHeader: a shard says which sweep and which shard it is, before
// its table.
func TestShardHeader(t *testing.T) {
	dir := t.TempDir()
	files := writeShards(t, dir, []string{"service.throttle.limit=3,4,5"}, 2, "csv")
	lines := strings.SplitN(read(t, files[1]), "\n", 3)
	assert.Regexp(t, `^#runsim_shard \{"format":1,"sweep":"[0-9a-f]{64}","shard":2,"of":2,"points":1,"grid_points":3,`+
		`"params":\[\{"path":"service.throttle.limit","values":\["3","4","5"\]\}\],"replications":3,"seed":1,"version":"[^"]+",`, lines[0])
	assert.Equal(t, "service.throttle.limit,metric,mean,ci95_low,ci95_high,n", lines[1])
	assert.True(t, strings.HasPrefix(lines[2], "4,requests,"), "shard 2 of 2 holds point 1, the limit of 4")
}

// TestShardAutoFromEnvironment: --shard auto/N (or auto/auto) takes K from
// each engine's index variable, set in the environment, says so on
// standard error, and writes what --shard K/N writes.
func TestShardAutoFromEnvironment(t *testing.T) {
	vars := []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_STEP",
		"AWS_BATCH_JOB_ARRAY_INDEX", "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT"}
	params := []string{"service.throttle.limit=3,4,5"}
	tests := []struct {
		name  string
		env   map[string]string
		shard string
		want  string // the explicit shard
		from  string
	}{
		{name: "Kubernetes", env: map[string]string{"JOB_COMPLETION_INDEX": "1"}, shard: "auto/3", want: "2/3", from: "JOB_COMPLETION_INDEX=1"},
		{name: "Slurm", env: map[string]string{"SLURM_ARRAY_TASK_ID": "7", "SLURM_ARRAY_TASK_MIN": "5"}, shard: "auto/3", want: "3/3",
			from: "SLURM_ARRAY_TASK_ID=7 SLURM_ARRAY_TASK_MIN=5"},
		{name: "AWS Batch", env: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "0"}, shard: "auto/3", want: "1/3", from: "AWS_BATCH_JOB_ARRAY_INDEX=0"},
		{name: "Cloud Run", env: map[string]string{"CLOUD_RUN_TASK_INDEX": "1", "CLOUD_RUN_TASK_COUNT": "2"}, shard: "auto/auto", want: "2/2",
			from: "CLOUD_RUN_TASK_INDEX=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, v := range vars {
				t.Setenv(v, tc.env[v])
			}
			code, auto, errOut := runsim(sweepArgs(params, "--shard", tc.shard)...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, "runsim sweep: shard "+tc.want+" (from "+tc.from+")\n", errOut)
			code, explicit, errOut := runsim(sweepArgs(params, "--shard", tc.want)...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, explicit, auto)
		})
	}
}

// TestBuildVersion: a build with no version nor commit (as go test's) is
// named by its executable, the same every time, so it merges with itself.
func TestBuildVersion(t *testing.T) {
	v := buildVersion()
	assert.Regexp(t, `^devel go\S+ exe:[0-9a-f]{16}$`, v)
	assert.Equal(t, v, buildVersion())
}

func TestSweepShardErrors(t *testing.T) {
	for _, v := range []string{"JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "AWS_BATCH_JOB_ARRAY_INDEX", "CLOUD_RUN_TASK_INDEX", "CLOUD_RUN_TASK_COUNT"} {
		t.Setenv(v, "")
	}
	params := []string{"service.throttle.limit=3,4"}
	tests := []refusal{
		{name: "no index variable", args: sweepArgs(params, "--shard", "auto/4"),
			want: "runsim sweep: --shard auto/4: auto takes K from the array-job index, but none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX, CLOUD_RUN_TASK_INDEX is set; give K, as in 1/4\n"},
		{name: "K past N", args: sweepArgs(params, "--shard", "5/4"),
			want: "runsim sweep: --shard 5/4: K must be a whole number from 1 to 4, got \"5\"\n"},
		{name: "with --report", args: sweepArgs(params, "--shard", "1/4", "--report", "x"),
			want: "runsim sweep: --report writes the report of the whole sweep: give it to runsim merge, not to a shard\n"},
	}
	testRefusals(t, tests)
}

// TestMergeRefusals: shards of different sweeps or formats, a missing or
// duplicate shard, and a truncated or altered file are refused with what
// is wrong, exit 2, and nothing is written.
func TestMergeRefusals(t *testing.T) {
	params := []string{"clients.admin.arrivals.poisson.rate=1/d,4/d,7/d"}
	dir := t.TempDir()
	csv := writeShards(t, filepath.Join(mkdir(t, dir, "csv")), params, 3, "csv")
	js := writeShards(t, filepath.Join(mkdir(t, dir, "json")), params, 3, "json")
	other := writeShards(t, filepath.Join(mkdir(t, dir, "reps")), params, 3, "csv", "--replications", "4")
	seeded := writeShards(t, filepath.Join(mkdir(t, dir, "seed")), params, 3, "csv", "--seed", "2")
	split := writeShards(t, filepath.Join(mkdir(t, dir, "split")), params, 2, "csv")
	// derive broken files
	broken := mkdir(t, dir, "broken")
	brokenFile := func(name, data string) string {
		p := filepath.Join(broken, name)
		write(t, p, data)
		return p
	}
	shard3 := read(t, csv[2])
	lines := strings.SplitAfter(shard3, "\n")
	atRow := brokenFile("at-row.csv", strings.Join(lines[:len(lines)-4], ""))
	midRow := brokenFile("mid-row.csv", shard3[:len(shard3)-9])
	altered := brokenFile("altered.csv", strings.Replace(shard3, ",3\n", ",4\n", 1))
	js3 := read(t, js[2])
	jsCut := brokenFile("cut.json", js3[:len(js3)/2])
	jsAltered := brokenFile("altered.json", strings.Replace(js3, `"n": 3`, `"n": 4`, 1))
	notShard := brokenFile("plain.csv", "a,b\n1,2\n")
	empty := mkdir(t, dir, "empty")

	tests := []struct {
		name  string
		files []string
		want  string
	}{
		{name: "mixed sweeps: replications", files: []string{csv[0], csv[1], other[2]},
			want: fmt.Sprintf("mixed sweeps: %s and %s are shards of different sweeps (replications: 3 and 4)", csv[0], other[2])},
		{name: "mixed sweeps: seed", files: []string{csv[0], seeded[1], csv[2]},
			want: fmt.Sprintf("mixed sweeps: %s and %s are shards of different sweeps (seed: 1 and 2)", csv[0], seeded[1])},
		{name: "mixed sweeps: split", files: []string{csv[0], split[1]},
			want: fmt.Sprintf("mixed sweeps: %s and %s are shards of different sweeps (shards: 3 and 2)", csv[0], split[1])},
		{name: "mixed formats", files: []string{csv[0], js[1], csv[2]},
			want: fmt.Sprintf("mixed formats: %s is CSV, %s is JSON; merge shards of one format", csv[0], js[1])},
		{name: "missing shard", files: []string{csv[0], csv[2]},
			want: "shard 2 of 3 missing (sweep "},
		{name: "missing shards", files: []string{js[1]},
			want: "shards 1, 3 of 3 missing (sweep "},
		{name: "duplicate", files: []string{csv[0], csv[1], csv[1], csv[2]},
			want: fmt.Sprintf("shard 2/3 given twice: %s and %s", csv[1], csv[1])},
		{name: "truncated at a row", files: []string{csv[0], csv[1], atRow},
			want: fmt.Sprintf("%s: truncated: %d rows of %d", atRow, metricRows(1)-3, metricRows(1))},
		{name: "truncated within a row", files: []string{csv[0], csv[1], midRow},
			want: midRow + ": truncated: it ends within a row"},
		{name: "altered", files: []string{csv[0], csv[1], altered},
			want: altered + ": truncated or altered: its content does not match the digest in its header"},
		{name: "truncated JSON", files: []string{js[0], js[1], jsCut},
			want: jsCut + ": truncated: the JSON ends early"},
		{name: "altered JSON", files: []string{js[0], js[1], jsAltered},
			want: jsAltered + ": altered: its points do not match the digest in its header"},
		{name: "not a shard", files: []string{notShard},
			want: notShard + ": not a runsim shard: no \"#runsim_shard\" line (CSV) or \"runsim_shard\" object (JSON) at its start; write shards with runsim sweep --shard"},
		{name: "empty folder", files: []string{empty},
			want: empty + ": no shards in the folder"},
		{name: "no such file", files: []string{filepath.Join(dir, "nope.csv")},
			want: "stat " + filepath.Join(dir, "nope.csv") + ": no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			outDir := t.TempDir()
			out, report := filepath.Join(outDir, "merged"), filepath.Join(outDir, "report")
			code, stdout, errOut := runsim(append(append([]string{"merge"}, tc.files...), "--out", out, "--report", report)...)
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, stdout)
			assert.True(t, strings.HasPrefix(errOut, "runsim merge: "+tc.want), "got %q", errOut)
			assert.Empty(t, names(t, outDir), "nothing written")
		})
	}
}

// TestMergeFailedWrite: an output that cannot be written is exit 2.
func TestMergeFailedWrite(t *testing.T) {
	dir := t.TempDir()
	writeShards(t, dir, []string{"service.throttle.limit=3,4"}, 2, "csv")
	out := filepath.Join(t.TempDir(), "no-such-folder", "merged.csv")
	code, _, errOut := runsim("merge", dir, "--out", out)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "runsim merge: writing the sweep: "+out+": the folder")
}

func TestSweepIsTheSameWithOneOrTwoWorkers(t *testing.T) {
	args := []string{"sweep", documented, "--param", "clients.admin.arrivals.poisson.rate=1/d:13/d:4/d",
		"--param", "service.throttle.kind=sliding,token-bucket", "--replications", "12", "--quiet"}
	code1, out1, err1 := runsim(append(args, "--workers", "1")...)
	code2, out2, err2 := runsim(append(args, "--workers", "2")...)
	require.Equal(t, 0, code1, err1)
	require.Equal(t, 0, code2, err2)
	assert.Equal(t, out1, out2, "byte-identical whatever the workers")
	lines := strings.Split(strings.TrimSpace(out1), "\n")
	assert.Equal(t, "clients.admin.arrivals.poisson.rate,service.throttle.kind,metric,mean,ci95_low,ci95_high,n", lines[0])
	assert.Len(t, lines, 1+metricRows(4*2), "a row per point and metric")
	assert.Contains(t, out1, "\n13/d,token-bucket,throttled_fraction,")

	codej, outj, errj := runsim(append(args, "--workers", "2", "--format", "json")...)
	require.Equal(t, 0, codej, errj)
	var pts []struct {
		Params  map[string]string
		Metrics map[string]map[string]float64
	}
	require.NoError(t, json.Unmarshal([]byte(outj), &pts))
	require.Len(t, pts, 8)
	assert.Equal(t, "1/d", pts[0].Params["clients.admin.arrivals.poisson.rate"])
	assert.Equal(t, 12.0, pts[0].Metrics["requests"]["n"])
}

func TestBadSweeps(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown path", []string{"--param", "service.throttle.limt=1,2"}, `unknown field "limt" in service.throttle`},
		{"empty range", []string{"--param", "service.throttle.limit=9:3:1"}, "an empty range: from 9 is above to 3"},
		{"step of zero", []string{"--param", "service.throttle.limit=1:3:0"}, "a step of zero"},
		{"a value of the wrong type", []string{"--param", "service.throttle.limit=1,two"}, `service.throttle.limit: expected an integer, got "two"`},
		{"a fraction for an integer", []string{"--param", "service.throttle.limit=1:2:0.5"}, `service.throttle.limit: expected an integer, got "1.5"`},
		{"no param", nil, "no --param given"},
		{"bad format", []string{"--param", "service.throttle.limit=1,2", "--format", "xml"}, `--format must be csv or json, got "xml"`},
		{"bad workers", []string{"--param", "service.throttle.limit=1,2", "--workers", "0"}, "--workers must be at least 1, got 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(append([]string{"sweep", documented, "--quiet"}, tc.args...)...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.want)
			assert.Empty(t, out)
		})
	}
}

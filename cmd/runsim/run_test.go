package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunText(t *testing.T) {
	code, out, errOut := runsim("run", documented)
	require.Equal(t, 0, code, errOut)
	for _, want := range []string{"scenario", "documented", "requests", "accepted (202)", "throttled (429)", "conflicts (409)",
		"scheduled runs due", "skipped: on-demand", "p95 freshness", "assumptions", "sliding log: at most 5 in any 12h"} {
		assert.Contains(t, out, want)
	}
	assert.Empty(t, errOut)
}

func TestRunJSON(t *testing.T) {
	code, out, errOut := runsim("run", documented, "--format", "json")
	require.Equal(t, 0, code, errOut)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	for _, k := range []string{"scenario", "seed", "start", "end", "requests", "accepted", "throttled", "conflicts",
		"retries", "gave_up", "runs_started", "runs_succeeded", "runs_failed", "scheduled_due", "scheduled_run",
		"scheduled_skipped", "scheduled_skipped_by_reason", "freshness_mean_s", "freshness_p95_s", "freshness_max_s", "assumptions"} {
		assert.Contains(t, got, k)
	}
	assert.Equal(t, "documented", got["scenario"])
	assert.Equal(t, 1.0, got["seed"])
	// The counts agree with each other.
	n := func(k string) float64 { return got[k].(float64) }
	assert.Equal(t, n("requests"), n("accepted")+n("throttled")+n("conflicts"))
	skipped := 0.0
	for _, v := range got["scheduled_skipped_by_reason"].(map[string]any) {
		skipped += v.(float64)
	}
	assert.Equal(t, n("scheduled_skipped"), skipped)
	assert.Equal(t, n("scheduled_due"), n("scheduled_run")+skipped)
	assert.Equal(t, n("accepted")+n("scheduled_run"), n("runs_started"))
	assert.Less(t, n("freshness_mean_s"), n("freshness_p95_s"))
	assert.LessOrEqual(t, n("freshness_p95_s"), n("freshness_max_s"))
}

func TestRunReplicationsJSON(t *testing.T) {
	code, out, errOut := runsim("run", documented, "--format", "json", "--replications", "8")
	require.Equal(t, 0, code, errOut)
	var got struct {
		Requests  float64
		Aggregate map[string]struct {
			Mean     float64 `json:"mean"`
			CI95Low  float64 `json:"ci95_low"`
			CI95High float64 `json:"ci95_high"`
			N        int     `json:"n"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	r := got.Aggregate["requests"]
	assert.Equal(t, 8, r.N)
	assert.Less(t, r.CI95Low, r.Mean)
	assert.Less(t, r.Mean, r.CI95High)
	assert.Contains(t, got.Aggregate, "freshness_p95_s")
	_, single, _ := runsim("run", documented, "--format", "json")
	assert.NotContains(t, single, `"aggregate"`, "one replication, no aggregate")
}

func TestSeedAndSet(t *testing.T) {
	_, base, _ := runsim("run", documented, "--format", "json")
	_, same, _ := runsim("run", "--format", "json", documented, "--seed", "1")
	assert.Equal(t, base, same, "flags before or after the file, same seed: same output")
	_, other, _ := runsim("run", documented, "--format", "json", "--seed", "2")
	assert.NotEqual(t, base, other)
	assert.Contains(t, other, `"seed": 2`)
	code, out, errOut := runsim("run", documented, "--format", "json", "--set", "service.throttle.limit=1", "--set", "clients.admin.arrivals.poisson.rate=2/h")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "at most 1 in any 12h")
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Positive(t, got["throttled"].(float64), "a limit of 1 and 2 requests an hour must throttle")
}

// TestSummaryGolden: the text summary, as people read it, with its
// thousands separated and no trailing spaces.
func TestSummaryGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "run-documented.txt", args: []string{"run", documented}},
		{name: "run-documented-replications.txt", args: []string{"run", documented, "--replications", "5"}},
		{name: "run-busy.txt", args: []string{"run", documented, "--set", "clients.admin.arrivals.poisson.rate=200/h", "--set", "horizon=60d"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(tc.args...)
			require.Equal(t, exitOK, code, errOut)
			for i, line := range strings.Split(out, "\n") {
				assert.Equal(t, strings.TrimRight(line, " \t"), line, "line %d ends in spaces", i+1)
			}
			golden(t, tc.name, strings.ReplaceAll(out, documented, "documented.yaml"))
		})
	}
}

func TestTraceFormats(t *testing.T) {
	dir := t.TempDir()
	golden := read(t, "../../scenarios/testdata/documented.trace")
	for _, name := range []string{"t.trace", "t.csv", "t.jsonl"} {
		path := filepath.Join(dir, name)
		code, _, errOut := runsim("run", documented, "--trace", path)
		require.Equal(t, 0, code, errOut)
		data := read(t, path)
		lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
		goldenLines := strings.Split(strings.TrimSuffix(golden, "\n"), "\n")
		switch filepath.Ext(name) {
		case ".trace":
			assert.Equal(t, golden, data, "the CLI writes the golden trace")
		case ".csv":
			rows, err := csv.NewReader(strings.NewReader(data)).ReadAll()
			require.NoError(t, err)
			assert.Equal(t, []string{"time", "kind", "client", "request", "attempt", "run", "trigger", "operation", "status",
				"location", "nominal", "reason", "retry_after_s", "polls", "cause", "next"}, rows[0])
			assert.Len(t, rows, len(goldenLines)+1)
		case ".jsonl":
			assert.Len(t, lines, len(goldenLines))
			for i, l := range lines {
				var ev map[string]any
				require.NoError(t, json.Unmarshal([]byte(l), &ev), "line %d", i+1)
				assert.Equal(t, strings.Fields(goldenLines[i])[1], ev["kind"])
			}
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	assert.Empty(t, leftovers)
}

// TestTraceTargets: --trace takes what people type, says why when it
// does not, and - for standard output.
func TestTraceTargets(t *testing.T) {
	dir := t.TempDir()
	golden := read(t, "../../scenarios/testdata/documented.trace")
	events := strings.Count(golden, "\n")

	t.Run("json is an array", func(t *testing.T) {
		path := filepath.Join(dir, "t.json")
		code, _, errOut := runsim("run", documented, "--trace", path, "--quiet")
		require.Equal(t, exitOK, code, errOut)
		data := read(t, path)
		var evs []map[string]any
		require.NoError(t, json.Unmarshal([]byte(data), &evs))
		assert.Len(t, evs, events)
		assert.Equal(t, "scheduled-due", evs[0]["kind"])
	})
	t.Run("ndjson and upper case", func(t *testing.T) {
		for _, name := range []string{"t.ndjson", "T.JSONL", "T.CSV", "T.Trace"} {
			path := filepath.Join(dir, name)
			code, _, errOut := runsim("run", documented, "--trace", path, "--quiet")
			require.Equal(t, exitOK, code, errOut)
			data := read(t, path)
			assert.NotEmpty(t, data, name)
		}
		data := read(t, filepath.Join(dir, "T.Trace"))
		assert.Equal(t, golden, data)
	})
	t.Run("--trace-format wins over the name", func(t *testing.T) {
		path := filepath.Join(dir, "events.out")
		code, _, errOut := runsim("run", documented, "--trace", path, "--trace-format", "text", "--quiet")
		require.Equal(t, exitOK, code, errOut)
		data := read(t, path)
		assert.Equal(t, golden, data)
	})
	t.Run("standard output", func(t *testing.T) {
		code, out, errOut := runsim("run", documented, "--trace", "-")
		require.Equal(t, exitOK, code, errOut)
		assert.Equal(t, golden, out, "the trace alone on standard output")
		_, summary, _ := runsim("run", documented)
		assert.Equal(t, summary, errOut, "the summary on standard error")

		code, out, _ = runsim("run", documented, "--trace", "-", "--trace-format", "json")
		require.Equal(t, exitOK, code)
		var evs []map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &evs))
		assert.Len(t, evs, events)
	})
	t.Run("refused, with the reason", func(t *testing.T) {
		exts := ".trace, .txt or .log (text), .csv (CSV), .jsonl or .ndjson (JSON lines) or .json (a JSON array)"
		for _, tc := range []struct{ args, want string }{
			{"--trace out.xml", "runsim run: --trace out.xml: runsim does not write .xml traces: name the file " + exts + ", or give --trace-format\n"},
			{"--trace out", "runsim run: --trace out: no extension to tell the format by: name the file " + exts + ", or give --trace-format\n"},
			{"--trace-format csv", "runsim run: --trace-format needs --trace\n"},
			{"--trace " + dir, "runsim run: --trace " + dir + ": is a folder; give a file's name, e.g. " + filepath.Join(dir, "trace.csv") + "\n"},
			{"--trace " + dir + " --trace-format jsonl", "runsim run: --trace " + dir + ": is a folder; give a file's name, e.g. " + filepath.Join(dir, "trace.jsonl") + "\n"},
			{"--trace " + filepath.Join(dir, "no", "t.csv"), "runsim run: --trace: " + filepath.Join(dir, "no", "t.csv") + ": the folder " + filepath.Join(dir, "no") + " does not exist\n"},
		} {
			code, out, errOut := runsim(append([]string{"run", documented}, strings.Fields(tc.args)...)...)
			assert.Equal(t, exitBadInput, code, tc.args)
			assert.Empty(t, out)
			assert.Equal(t, tc.want, errOut, tc.args)
			assert.NotContains(t, errOut, "sim:", "no package prefix")
			assert.NotContains(t, errOut, ".tmp", "no temporary name")
		}
	})
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".*.tmp"))
	assert.Empty(t, leftovers)
}

// TestTraceOfAnOddClientName: a client name with a quote, a backslash,
// spaces and markup gives a JSONL trace whose every line is JSON, and a
// text trace of one line per event; a name with a control character is
// refused at its place in the file.
func TestTraceOfAnOddClientName(t *testing.T) {
	const odd = `a"b\c </script><img onerror=x>`
	path := writeScenario(t, strings.Replace(slidingTwoHours, "name: tool", `name: "a\"b\\c </script><img onerror=x>"`, 1))
	trace := filepath.Join(t.TempDir(), "x.jsonl")
	code, _, errOut := runsim("run", path, "--trace", trace)
	require.Equal(t, 0, code, errOut)
	data := read(t, trace)
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	require.NotEmpty(t, lines)
	for i, l := range lines {
		var ev map[string]any
		require.NoError(t, json.Unmarshal([]byte(l), &ev), "line %d", i+1)
		if c, ok := ev["client"]; ok {
			assert.Equal(t, odd, c)
		}
	}
	text := filepath.Join(t.TempDir(), "x.trace")
	code, _, errOut = runsim("run", path, "--trace", text)
	require.Equal(t, 0, code, errOut)
	data = read(t, text)
	for _, l := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT[0-9:.]+Z [a-z-]+`, l)
		if strings.Contains(l, "client=") {
			assert.Contains(t, l, `client="a\"b\\c </script><img onerror=x>"`)
		}
	}

	path = writeScenario(t, strings.Replace(slidingTwoHours, "name: tool", `name: "a\x7fb"`, 1))
	code, _, errOut = runsim("run", path, "--trace", trace)
	assert.Equal(t, exitBadInput, code)
	assert.Regexp(t, `s\.yaml:\d+:\d+: clients\.0\.name: "a\\x7fb" holds the control or invisible character U\+007F: names are printable text`, errOut)
}

func TestJSONArray(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   string
	}{
		{name: "nothing", chunks: nil, want: "[]\n"},
		{name: "one", chunks: []string{"{\"a\":1}\n"}, want: "[\n{\"a\":1}\n]\n"},
		{name: "two in one write", chunks: []string{"{\"a\":1}\n{\"b\":2}\n"}, want: "[\n{\"a\":1},\n{\"b\":2}\n]\n"},
		{name: "split anywhere", chunks: []string{"{\"a\"", ":1}", "\n", "{\"b\":2}\n{", "\"c\":3}\n"}, want: "[\n{\"a\":1},\n{\"b\":2},\n{\"c\":3}\n]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			a := &jsonArray{w: &buf}
			for _, c := range tc.chunks {
				n, err := a.Write([]byte(c))
				require.NoError(t, err)
				assert.Equal(t, len(c), n)
			}
			require.NoError(t, a.Close())
			assert.Equal(t, tc.want, buf.String())
			assert.True(t, json.Valid(buf.Bytes()))
		})
	}
}

func TestFailedRunKeepsAnOlderTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kept.csv")
	write(t, path, "older trace\n")
	code, _, _ := runsim("run", documented, "--trace", path, "--set", "horizon=2000y")
	assert.Equal(t, 2, code)
	data := read(t, path)
	assert.Equal(t, "older trace\n", data)
}

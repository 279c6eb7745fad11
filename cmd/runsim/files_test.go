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

// The files commands write: traces and report folders, each written
// whole or not at all.

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

func TestRunReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, errOut := runsim("run", documented, "--replications", "5", "--report", dir)
	require.Equal(t, 0, code, errOut)
	for _, f := range []string{"report.html", "report.md", "summary.json", "timeline.png", "timeline.svg", "timeline.csv",
		"freshness.png", "freshness.csv", "occupancy.png", "occupancy.csv", "cumulative.png", "cumulative.csv"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	doc := read(t, filepath.Join(dir, "report.html"))
	ids := htmlIDs(t, doc)
	for _, id := range []string{"summary", "charts", "assumptions", "scenario", "chart-timeline", "chart-freshness", "chart-occupancy", "chart-cumulative"} {
		assert.True(t, ids[id], "report.html has no #%s", id)
	}
	assert.Equal(t, 4, strings.Count(doc, "<svg"), "charts are inline SVG")
	assert.NotContains(t, doc, `src="`, "self-contained: nothing loaded from elsewhere")
	for _, want := range []string{"seed 1", "runsim devel", "Over 5 replication(s)", "95% confidence interval", "sliding log: at most 5 in any 12h", "name: documented"} {
		assert.Contains(t, doc, want)
	}
	md := read(t, filepath.Join(dir, "report.md"))
	assert.Contains(t, md, "![Runs and refusals](timeline.png)")
	var js map[string]any
	js1 := read(t, filepath.Join(dir, "summary.json"))
	require.NoError(t, json.Unmarshal([]byte(js1), &js))
	assert.Contains(t, js, "aggregate")

	// The same input gives the same report, byte for byte.
	dir2 := filepath.Join(t.TempDir(), "report")
	runsim("run", documented, "--replications", "5", "--report", dir2, "--workers", "1")
	doc2 := read(t, filepath.Join(dir2, "report.html"))
	assert.Contains(t, doc2, "<pre class=\"cmd\">runsim run "+documented+" --replications 5 --report "+dir2+" --workers 1</pre>", "the command line is recorded")
	assert.Equal(t, withoutCommand(doc), withoutCommand(doc2), "the same but for the command line")
}

func TestSweepReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	code, _, errOut := runsim("sweep", documented, "--param", "service.throttle.limit=2:5:1", "--replications", "4", "--quiet",
		"--report", dir, "--out", filepath.Join(dir+".csv"))
	require.Equal(t, 0, code, errOut)
	doc := read(t, filepath.Join(dir, "report.html"))
	ids := htmlIDs(t, doc)
	for _, id := range []string{"sweep", "charts", "assumptions", "scenario", "chart-sweep-throttled_fraction", "chart-sweep-freshness_p95"} {
		assert.True(t, ids[id], "report.html has no #%s", id)
	}
	rows := readLines(t, filepath.Join(dir, "sweep-throttled_fraction.csv"))
	assert.Len(t, rows, 1+4, "a row per point")
}

func TestCompareReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cmp")
	code, _, errOut := runsim("compare", "../../scenarios/compare-readings.yaml", "--set", "horizon=3d", "--report", dir)
	require.Equal(t, 0, code, errOut)
	doc := read(t, filepath.Join(dir, "report.html"))
	ids := htmlIDs(t, doc)
	for _, id := range []string{"comparison", "charts", "assumptions", "scenario", "chart-compare-throttled_fraction"} {
		assert.True(t, ids[id], "report.html has no #%s", id)
	}
	rows := readLines(t, filepath.Join(dir, "compare-throttled_fraction.csv"))
	assert.Equal(t, "variant,throttled_fraction", rows[0])
	assert.Len(t, rows, 1+9, "the baseline and eight variants")
	assert.True(t, strings.HasPrefix(rows[1], "baseline,"))
	assert.Contains(t, doc, "token-bucket: what differs from baseline")
	js := read(t, filepath.Join(dir, "summary.json"))
	_, out, _ := runsim("compare", "../../scenarios/compare-readings.yaml", "--set", "horizon=3d", "--format", "json")
	assert.Equal(t, out, js, "summary.json is the JSON output")
}

// TestReportRecordsHowItWasMade: a report made with --set and --seed says
// so, and the scenario it shows is the one that ran.
func TestReportRecordsHowItWasMade(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{
			name: "run",
			args: []string{"run", documented, "--seed", "7", "--set", "service.skip.kind=none"},
			want: []string{"seed 7", "seed: 7 # --set seed=7", "kind: none # --set service.skip.kind=none", "<code>service.skip.kind=none</code>", "<code>seed=7</code>",
				"with the 2 override(s) above applied", "--seed 7 --set service.skip.kind=none"},
			not: []string{"seed: 1", "next-within"},
		},
		{
			name: "compare",
			args: []string{"compare", documented, "--set", "horizon=3d", "--variant", "b=service.throttle.limit=6"},
			want: []string{"horizon: 3d # --set horizon=3d", "<code>horizon=3d</code>", "--variant b=service.throttle.limit=6"},
		},
		{
			name: "sweep",
			args: []string{"sweep", documented, "--set", "horizon=2d", "--param", "service.throttle.limit=4,5", "--replications", "2", "--quiet"},
			want: []string{"horizon: 2d # --set horizon=2d", "--param service.throttle.limit=4,5"},
		},
		{
			name: "no overrides: the file as written",
			args: []string{"run", documented},
			want: []string{"nothing overrides it", "# The rules as documented"},
			not:  []string{"Overrides, in order"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "report")
			code, _, errOut := runsim(append(tc.args, "--report", dir)...)
			require.Equal(t, exitOK, code, errOut)
			for _, page := range []string{"report.html", "report.md"} {
				doc := read(t, filepath.Join(dir, page))
				text := strings.ReplaceAll(strings.ReplaceAll(doc, "`", ""), "&#39;", "'")
				for _, w := range tc.want {
					w = strings.NewReplacer("<code>", "", "</code>", "").Replace(w)
					assert.Contains(t, text, w, page)
				}
				for _, n := range tc.not {
					assert.NotContains(t, text, n, page)
				}
			}
		})
	}
}

// TestReportReplacesTheOlderOne: a report folder is written whole: no
// stale file of an older report survives, and a folder runsim did not
// write is refused and left alone.
func TestReportReplacesTheOlderOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, errOut := runsim("run", documented, "--report", dir)
	require.Equal(t, exitOK, code, errOut)
	stale := filepath.Join(dir, "compare-throttled_fraction.csv")
	write(t, stale, "old")
	code, _, errOut = runsim("compare", documented, "--variant", "b=service.throttle.limit=6", "--report", dir)
	require.Equal(t, exitOK, code, errOut)
	code, _, errOut = runsim("run", documented, "--report", dir)
	require.Equal(t, exitOK, code, errOut)
	assert.NoFileExists(t, stale)
	assert.FileExists(t, filepath.Join(dir, "timeline.csv"))
	assert.Len(t, names(t, filepath.Dir(dir)), 1, "no temporary folder left beside it")

	mine := t.TempDir()
	write(t, filepath.Join(mine, "notes.txt"), "mine")
	code, _, errOut = runsim("run", documented, "--report", mine)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "the folder holds files runsim did not write")
	assert.FileExists(t, filepath.Join(mine, "notes.txt"))
}

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
)

// slidingTwoHours: a throttle of 5 in a 2h window and a client every 20
// minutes.
const slidingTwoHours = `name: sliding-2h
start: 2025-01-06T00:00:00Z
horizon: 3d
seed: 3
service:
  throttle: {kind: sliding, limit: 5, window: 2h}
clients:
  - {name: tool, arrivals: {periodic: {every: 20m}}}
`

// TestCompareAgreesWithRun: compare measures every metric as run does (a
// variant that changes nothing is the scenario itself), occupancy in the
// scenario's own window included.
func TestCompareAgreesWithRun(t *testing.T) {
	path := writeScenario(t, slidingTwoHours)
	for _, reps := range []string{"1", "4"} {
		t.Run("replications="+reps, func(t *testing.T) {
			code, out, errOut := runsim("run", path, "--format", "json", "--replications", reps)
			require.Equal(t, 0, code, errOut)
			var run map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &run))
			code, out, errOut = runsim("compare", path, "--format", "json", "--replications", reps, "--variant", "same=service.throttle.limit=5")
			require.Equal(t, 0, code, errOut)
			var cmp compareJSON
			require.NoError(t, json.Unmarshal([]byte(out), &cmp))
			require.Len(t, cmp.Variants, 2)
			assert.Equal(t, reps, map[int]string{1: "1", 4: "4"}[cmp.Replications])
			for _, v := range cmp.Variants {
				for key, got := range v.Metrics {
					want := run[key]
					if agg, ok := run["aggregate"].(map[string]any); ok {
						want = agg[key].(map[string]any)["mean"]
					}
					assert.Equal(t, want, got, "%s %s", v.Name, key)
				}
				assert.Less(t, v.Metrics["occupancy_mean"], 5.0, "at most 5 runs count in any 2h window")
			}
		})
	}
}

// TestCompareReplications: with replications, compare gives each mean its
// interval, in text and JSON.
func TestCompareReplications(t *testing.T) {
	code, out, errOut := runsim("compare", documented, "--replications", "6", "--variant", "bucket=service.throttle.kind=token-bucket")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "6 replication(s), means [95% confidence intervals]")
	assert.Regexp(t, `(?m)^\s+requests\s+[\d.]+ \[[\d.]+, [\d.]+\]\s+[\d.]+ \[[\d.]+, [\d.]+\] \(`, out)
	code, out, errOut = runsim("compare", documented, "--replications", "6", "--format", "json", "--variant", "bucket=service.throttle.kind=token-bucket")
	require.Equal(t, 0, code, errOut)
	var got compareJSON
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	for _, v := range got.Variants {
		iv := v.Intervals["freshness_p95_s"]
		assert.Equal(t, 6, iv.N)
		assert.LessOrEqual(t, iv.Low, iv.Mean)
		assert.LessOrEqual(t, iv.Mean, iv.High)
	}
}

// TestWriteErrorsExit2: every command whose output cannot be written exits 2
// and says so.
func TestWriteErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	capacity := []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "1:3", "--target", "throttled<=100", "--replications", "2"}
	tests := []struct {
		name string
		args []string
	}{
		{"run text", []string{"run", documented}},
		{"run json", []string{"run", documented, "--format", "json"}},
		{"compare text", []string{"compare", documented, "--variant", "b=service.throttle.kind=token-bucket"}},
		{"compare json", []string{"compare", documented, "--variant", "b=service.throttle.kind=token-bucket", "--format", "json"}},
		{"sweep csv", []string{"sweep", documented, "--param", "service.throttle.limit=4,5", "--replications", "2"}},
		{"sweep json", []string{"sweep", documented, "--param", "service.throttle.limit=4,5", "--replications", "2", "--format", "json"}},
		{"capacity text", capacity},
		{"capacity json", append(capacity, "--format", "json")},
		{"validate", []string{"validate", documented}},
		{"run --trace -", []string{"run", documented, "--trace", "-"}},
		{"run --trace - as a JSON array", []string{"run", documented, "--trace", "-", "--trace-format", "json"}},
		{"version", []string{"version"}},
		{"sweep into a missing folder", []string{"sweep", documented, "--param", "service.throttle.limit=4", "--out", filepath.Join(dir, "no", "x.csv")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errOut strings.Builder
			code := cli(tc.args, failing{}, &errOut)
			assert.Equal(t, exitBadInput, code)
			assert.Regexp(t, `no space left on device|does not exist`, errOut.String())
		})
	}
}

// TestScenarioByName: commands take a scenario of the library by name as
// they take a file; a file of that name, when there is one, wins.
func TestScenarioByName(t *testing.T) {
	for _, cmd := range [][]string{
		{"run", "--format", "json"},
		{"compare", "--variant", "b=service.throttle.kind=token-bucket"},
		{"sweep", "--param", "service.throttle.limit=4,5", "--replications", "2"},
		{"capacity", "--param", "service.throttle.limit", "--range", "1:3", "--target", "throttled<=100", "--replications", "2"},
	} {
		t.Run(cmd[0], func(t *testing.T) {
			code, byPath, errOut := runsim(append([]string{cmd[0], documented}, cmd[1:]...)...)
			require.Equal(t, 0, code, errOut)
			code, byName, errOut := runsim(append([]string{cmd[0], "documented"}, cmd[1:]...)...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, byPath, strings.ReplaceAll(byName, `"file": "documented"`, `"file": "`+documented+`"`))
		})
	}
	t.Run("a file wins", func(t *testing.T) {
		t.Chdir(t.TempDir())
		require.NoError(t, os.WriteFile("documented", []byte(slidingTwoHours), 0o644))
		code, out, errOut := runsim("run", "documented")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "sliding-2h (documented)")
	})
	t.Run("neither", func(t *testing.T) {
		code, _, errOut := runsim("run", "documentd")
		assert.Equal(t, exitBadInput, code)
		assert.Equal(t, "runsim run: documentd: no such file, and the library has no scenario \"documentd\"; did you mean \"documented\"?\n", errOut)
		code, _, errOut = runsim("run", "nothing-like-it")
		assert.Equal(t, exitBadInput, code)
		assert.Contains(t, errOut, `nothing-like-it: no such file, and the library has no scenario "nothing-like-it" (it has `)
		assert.Contains(t, errOut, "policies/throttle-gcra")
	})
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
	data, err := os.ReadFile(trace)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
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
	data, err = os.ReadFile(text)
	require.NoError(t, err)
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
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

// TestHelpIsTruthful: every flag a command's help names is a flag it
// takes, and the shared ones are named in every command that takes them.
func TestHelpIsTruthful(t *testing.T) {
	flagRe := regexp.MustCompile(`(?m)^\s+(--[a-z][a-z-]*)`)
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			for _, m := range flagRe.FindAllStringSubmatch(c.usage, -1) {
				_, _, errOut := runsim(c.name, m[1]+"=x")
				assert.NotContains(t, errOut, "unknown flag", "%s names %s", c.name, m[1])
			}
		})
	}
	for name, shared := range map[string][]string{
		"run":      {"--format text|json", "--replications N", "--workers N", "--report DIR", "--seed N", "--set path=value"},
		"compare":  {"--format text|json|csv", "--replications N", "--workers N", "--report DIR", "--seed N", "--set path=value"},
		"sweep":    {"--format csv|json", "--replications N", "--workers N", "--report DIR", "--seed N", "--set path=value"},
		"capacity": {"--format text|json", "--replications N", "--workers N", "--seed N", "--set path=value"},
	} {
		code, out, _ := runsim(name, "--help")
		require.Equal(t, 0, code)
		for _, f := range shared {
			assert.Contains(t, out, "\n  "+f+" ", "%s --help", name)
			_, _, errOut := runsim(name, strings.Fields(f)[0]+"=x")
			assert.NotContains(t, errOut, "unknown flag", "%s %s", name, f)
		}
		assert.Contains(t, out, "SCENARIO is a scenario file, or the name of a scenario of the library")
	}
}

// TestREADMEListsEveryMetric keeps the README's metric table and the
// metric table together.
func TestREADMEListsEveryMetric(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	for _, m := range metrics.All() {
		row := fmt.Sprintf("| `%s` | `%s` | %s | %s |\n", m.Name, m.Key(), m.Kind, m.Doc)
		assert.Contains(t, string(readme), row)
	}
}

package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const documented = "../../scenarios/documented.yaml"

func runsim(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

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

func TestTraceFormats(t *testing.T) {
	dir := t.TempDir()
	golden, err := os.ReadFile("../../scenarios/testdata/documented.trace")
	require.NoError(t, err)
	for _, name := range []string{"t.trace", "t.csv", "t.jsonl"} {
		path := filepath.Join(dir, name)
		code, _, errOut := runsim("run", documented, "--trace", path)
		require.Equal(t, 0, code, errOut)
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
		goldenLines := strings.Split(strings.TrimSuffix(string(golden), "\n"), "\n")
		switch filepath.Ext(name) {
		case ".trace":
			assert.Equal(t, string(golden), string(data), "the CLI writes the golden trace")
		case ".csv":
			rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
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

// TestBadScenarioFiles: one file per class of bad input; runsim run and
// runsim validate exit 2 and name the file, line and column.
func TestBadScenarioFiles(t *testing.T) {
	base, err := os.ReadFile(documented)
	require.NoError(t, err)
	tests := []struct{ class, old, new, at string }{
		{"unknown key", "  skip: {", "  skp: {", "skp"},
		{"bad duration", "window: 12h", "window: 12hours", "12hours"},
		{"bad rate", "rate: 3/d", "rate: 3 per day", "3 per day"},
		{"negative value", "median: 110m", "median: -110m", "-110m"},
		{"zero value", "limit: 5", "limit: 0", "0,"},
		{"probabilities that do not sum to 1", "failed: 0.05", "failed: 0.5", "{completed"},
		{"horizon over 1000 years", "horizon: 14d", "horizon: 1500y", "1500y"},
	}
	dir := t.TempDir()
	for i, tc := range tests {
		t.Run(tc.class, func(t *testing.T) {
			text := strings.Replace(string(base), tc.old, tc.new, 1)
			require.NotEqual(t, string(base), text)
			path := filepath.Join(dir, fmt.Sprintf("bad%d.yaml", i))
			require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
			k := strings.Index(text, tc.at)
			line := strings.Count(text[:k], "\n") + 1
			col := k - strings.LastIndex(text[:k], "\n")
			where := fmt.Sprintf("%s:%d:%d: ", path, line, col)
			for _, cmd := range []string{"run", "validate"} {
				code, out, errOut := runsim(cmd, path)
				assert.Equal(t, 2, code, cmd)
				assert.Contains(t, errOut, where, cmd)
				assert.Empty(t, out, cmd)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "usage: runsim COMMAND"},
		{"unknown command", []string{"simulate"}, `unknown command "simulate"`},
		{"no file", []string{"run"}, "want one scenario file, got 0"},
		{"two files", []string{"run", documented, documented}, "want one scenario file, got 2"},
		{"missing file", []string{"run", "nope.yaml"}, "nope.yaml: no such file"},
		{"unknown flag", []string{"run", documented, "--colour"}, "runsim run: unknown flag --colour\nrun \"runsim help run\" for usage\n"},
		{"bad format", []string{"run", documented, "--format", "xml"}, `--format must be text or json, got "xml"`},
		{"bad seed", []string{"run", documented, "--seed", "-1"}, `--seed must be a whole number >= 0, got "-1"`},
		{"bad trace extension", []string{"run", documented, "--trace", filepath.Join(dir, "t.xml")}, `runsim does not write .xml traces: name the file .trace, .txt or .log (text), .csv (CSV), .jsonl or .ndjson (JSON lines) or .json (a JSON array), or give --trace-format`},
		{"trace in a missing folder", []string{"run", documented, "--trace", filepath.Join(dir, "no", "t.csv")}, "does not exist"},
		{"bad override", []string{"run", documented, "--set", "service.throttle.limit=0"}, "--set service.throttle.limit=0: service.throttle.limit: must be at least 1, got 0"},
		{"validate nothing", []string{"validate"}, "no scenarios given"},
		{"help for an unknown command", []string{"help", "fly"}, `unknown command "fly"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(tc.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.want)
			assert.Empty(t, out)
		})
	}
}

func TestFailedRunKeepsAnOlderTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kept.csv")
	require.NoError(t, os.WriteFile(path, []byte("older trace\n"), 0o644))
	code, _, _ := runsim("run", documented, "--trace", path, "--set", "horizon=2000y")
	assert.Equal(t, 2, code)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "older trace\n", string(data))
}

func TestHelp(t *testing.T) {
	code, out, _ := runsim("help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "run ")
	assert.Contains(t, out, "validate ")
	for _, args := range [][]string{{"help", "run"}, {"run", "--help"}, {"run", "-h"}} {
		code, out, _ := runsim(args...)
		assert.Equal(t, 0, code, args)
		for _, flag := range []string{"--format", "--trace", "--seed", "--set"} {
			assert.Contains(t, out, flag, args)
		}
	}
	code, out, _ = runsim("help", "validate")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "FILE:LINE:COL")
}

func TestValidateShipped(t *testing.T) {
	files, err := filepath.Glob("../../scenarios/*.yaml")
	require.NoError(t, err)
	code, out, errOut := runsim(append([]string{"validate"}, files...)...)
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, len(files), strings.Count(out, ": ok\n"))
}

// TestREADMEDocumentsEveryCommand keeps the README and the commands
// together; scenario's TestREADMEVariantTables keeps its variant tables.
func TestREADMEDocumentsEveryCommand(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	for _, cmd := range commands {
		assert.Contains(t, string(readme), "runsim "+cmd.name, "README does not mention runsim %s", cmd.name)
	}
}

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
	assert.Equal(t, len(files), strings.Count(out, ": ok (about "))
}

// TestValidateAgreesWithRun: validate says ok exactly when run can start.
// The reproductions of a validator and a builder that disagreed (a limit
// that panicked or ran out of memory in the builder, a start at the zero
// time, a horizon past what time.Duration holds) are refused by both at
// the same place; work past the budget is ok to validate, which says how
// much it is, and refused by run without --max-events 0.
func TestValidateAgreesWithRun(t *testing.T) {
	const b = "start: 2025-01-06T00:00:00Z\nhorizon: 2d\n"
	tests := []struct {
		name, yaml, refused string // refused: "" when both accept
	}{
		{name: "limit 10^18", yaml: b + "service: {throttle: {limit: 1000000000000000000}}\n",
			refused: ":3:29: service.throttle.limit: must be at most 1000000, got 1000000000000000000"},
		{name: "limit 10^10", yaml: b + "service: {throttle: {limit: 10000000000}}\n",
			refused: ":3:29: service.throttle.limit: must be at most 1000000, got 10000000000"},
		{name: "horizon 1000y", yaml: "start: 2025-01-06T00:00:00Z\nhorizon: 1000y\n",
			refused: `:2:10: horizon: horizon "1000y" is longer than the limit of 200y`},
		{name: "start at the zero time", yaml: "start: 0001-01-01T00:00:00Z\nhorizon: 2d\n",
			refused: `:1:8: start: time "0001-01-01T00:00:00Z" is out of range: instants lie in the years 1900 to 9000`},
		{name: "a re-anchor the engine refuses", yaml: b + "service:\n  skip: {kind: re-anchor}\n  schedule: {kind: cron, cron: \"0 2 * * *\"}\n",
			refused: ":4:3: the engine cannot be built: the re-anchor skip rule needs a schedule that can move (every)"},
		{name: "the limit itself", yaml: b + "service: {throttle: {limit: 1000000}}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, tc.yaml)
			vcode, vout, verr := runsim("validate", path)
			rcode, _, rerr := runsim("run", path)
			if tc.refused == "" {
				assert.Equal(t, exitOK, vcode, verr)
				assert.Equal(t, exitOK, rcode, rerr)
				assert.Contains(t, vout, path+": ok (about ")
				return
			}
			assert.Equal(t, exitBadInput, vcode)
			assert.Equal(t, exitBadInput, rcode)
			assert.Empty(t, vout)
			assert.Equal(t, path+tc.refused+"\n", verr)
			assert.Equal(t, "runsim run: "+path+tc.refused+"\n", rerr)
		})
	}

	t.Run("10M requests an hour for 200 years, 100000 replications", func(t *testing.T) {
		path := writeScenario(t, "start: 2025-01-06T00:00:00Z\nhorizon: 200y\nreplications: 100000\n"+
			"clients:\n  - name: a\n    arrivals: {poisson: {rate: 10000000/h}}\n")
		code, out, errOut := runsim("validate", path)
		assert.Equal(t, exitOK, code, errOut)
		assert.Regexp(t, `: ok \(more than 9,223,372,036,854,775,807 simulated events: [0-9,]+ a replication × 100000 replications; over the default --max-events of 1,000,000,000`, out)
		code, out, errOut = runsim("run", path)
		assert.Equal(t, exitBadInput, code)
		assert.Empty(t, out)
		assert.Regexp(t, `^runsim run: this would simulate more than 9,223,372,036,854,775,807 events \([0-9,]+ a replication × 100000 replications\), over the budget of 1,000,000,000; only --max-events 0 lifts it\n$`, errOut)
	})
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

package main

import (
	"encoding/json"
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

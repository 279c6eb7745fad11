package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompareFlags(t *testing.T) {
	code, out, errOut := runsim("compare", documented, "--variant", "bucket=service.throttle.kind=token-bucket",
		"--variant", "tight=service.throttle.limit=1,service.skip.kind=none", "--set", "clients.admin.arrivals.poisson.rate=1/h")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(out, "\n")
	assert.Contains(t, lines[0], "every column on the same random numbers")
	assert.Regexp(t, `^\s+baseline\s+bucket\s+tight\s*$`, lines[2])
	assert.Contains(t, out, "bucket differs from baseline in:\n  throttle: token bucket")
	assert.Contains(t, out, "tight differs from baseline in:\n  throttle: sliding log: at most 1 in any 12h")
	assert.Contains(t, out, "  skip rule: none")
}

func TestCompareJSONAndFileVariants(t *testing.T) {
	code, out, errOut := runsim("compare", "../../scenarios/compare-readings.yaml", "--format", "json", "--set", "horizon=7d")
	require.Equal(t, 0, code, errOut)
	var got struct {
		Scenario string
		Variants []struct {
			Name        string
			Metrics     map[string]float64
			Difference  map[string]float64
			Assumptions map[string]string `json:"assumptions_changed"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	require.Len(t, got.Variants, 9)
	base := got.Variants[0]
	assert.Equal(t, "baseline", base.Name)
	for _, v := range got.Variants[1:] {
		assert.NotEmpty(t, v.Assumptions, "%s changes an assumption", v.Name)
		for m, d := range v.Difference {
			assert.InDelta(t, v.Metrics[m]-base.Metrics[m], d, 1e-9, "%s %s", v.Name, m)
		}
	}
	bucket := got.Variants[1]
	assert.Equal(t, "token-bucket", bucket.Name)
	assert.Less(t, bucket.Metrics["throttled"], base.Metrics["throttled"], "a token bucket throttles an hourly tool less")
}

func TestCompareErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"compare", documented}, "nothing to compare: give --variant or a variants: section"},
		{[]string{"compare", documented, "--variant", "x"}, `--variant "x": want NAME=PATH=VALUE[,PATH=VALUE]`},
		{[]string{"compare", documented, "--variant", "x=service.throttle.kind=leaky"}, `--variant x: ../../scenarios/documented.yaml: --set service.throttle.kind=leaky: service.throttle.kind: unknown throttle "leaky"`},
		{[]string{"compare"}, "want one scenario file, got 0"},
	}
	for _, tc := range tests {
		code, out, errOut := runsim(tc.args...)
		assert.Equal(t, 2, code, tc.args)
		assert.Contains(t, errOut, tc.want)
		assert.Empty(t, out)
	}
}

func TestPolicies(t *testing.T) {
	code, out, _ := runsim("policies")
	require.Equal(t, 0, code)
	for _, want := range []string{"THROTTLE (service.throttle.kind)", "sliding (default):", "token-bucket:", "gcra:", "fixed:",
		"SKIP RULE", "re-anchor:", "all-within:", "ON-DEMAND OVERLAP", "buffer-one:", "SCHEDULED OVERLAP", "delay-until-idle:",
		"SCHEDULE", "cron:", "ARRIVAL PROCESS", "profile:", "replay:", "RETRY", "backoff:", "DISTRIBUTION", "gamma:", "empirical:",
		"e.g. throttle: {kind: token-bucket, limit: 5, window: 12h, burst: 5}"} {
		assert.Contains(t, out, want)
	}
	code, out, _ = runsim("policies", "skip-rule")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "SKIP RULE")
	assert.NotContains(t, out, "THROTTLE")
	code, _, errOut := runsim("policies", "colour")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown family "colour" (known: throttle, skip-rule,`)
}

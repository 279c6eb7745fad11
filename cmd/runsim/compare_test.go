package main

import (
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

func TestCompareFlags(t *testing.T) {
	code, out, errOut := runsim("compare", documented, "--variant", "bucket=service.throttle.kind=token-bucket",
		"--variant", "tight=service.throttle.limit=1,service.skip.kind=none", "--set", "clients.admin.arrivals.poisson.rate=1/h")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(out, "\n")
	assert.Contains(t, lines[1], "every variant on the same random numbers; differences from baseline in brackets")
	assert.Regexp(t, `^\s+baseline\s+bucket\s+tight\s*$`, lines[3])
	assert.Contains(t, out, "bucket differs from baseline in:\n  throttle: token bucket")
	assert.Contains(t, out, "tight differs from baseline in:\n  throttle: sliding log: at most 1 in any 12h")
	assert.Contains(t, out, "  skip rule: none")
}

func TestCompareJSONAndFileVariants(t *testing.T) {
	code, out, errOut := runsim("compare", "../../scenarios/compare-readings.yaml", "--format", "json", "--set", "horizon=7d")
	require.Equal(t, 0, code, errOut)
	var got compareJSON
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

// TestCompareFitsAHundredColumns: many variants are written a metric at
// a time, variants as rows, and no line is wider than 100 columns; CSV
// has a row per variant and metric.
func TestCompareFitsAHundredColumns(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		layout string
	}{
		{name: "two variants: a column each", args: []string{documented, "--variant", "b=service.throttle.limit=6"}, layout: "differences from baseline in brackets"},
		{name: "nine variants: variants as rows", args: []string{"../../scenarios/compare-readings.yaml", "--set", "horizon=3d"}, layout: "a table per metric"},
		{name: "nine variants with intervals", args: []string{"../../scenarios/compare-readings.yaml", "--set", "horizon=2d", "--replications", "3"}, layout: "a table per metric"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(append([]string{"compare"}, tc.args...)...)
			require.Equal(t, 0, code, errOut)
			assert.Contains(t, out, tc.layout)
			for i, line := range strings.Split(out, "\n") {
				assert.LessOrEqual(t, utf8.RuneCountInString(line), 100, "line %d: %q", i+1, line)
				assert.Equal(t, strings.TrimRight(line, " "), line, "line %d ends in spaces", i+1)
			}
		})
	}
	code, out, errOut := runsim("compare", "../../scenarios/compare-readings.yaml", "--set", "horizon=3d", "--format", "csv")
	require.Equal(t, 0, code, errOut)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"variant", "metric", "mean", "ci95_low", "ci95_high", "n", "difference"}, rows[0])
	assert.Len(t, rows, 1+metricRows(9))
	assert.Equal(t, []string{"baseline", "requests"}, rows[1][:2])
	assert.Equal(t, "", rows[1][3], "one replication: no interval")
	assert.Equal(t, "0", rows[1][6], "the baseline differs from itself by nothing")
}

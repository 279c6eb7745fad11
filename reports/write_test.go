package reports

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
	"runsim/policy"
	"runsim/sim"
)

var t0 = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// config is the documented rules over horizon with scripted runs.
func config(horizon time.Duration, runs sim.Scripted, clients ...sim.Client) sim.Config {
	return sim.Config{
		Start: t0, End: t0.Add(horizon), Seed: 1,
		Schedule: policy.Every{Period: 12 * time.Hour, Anchor: t0.Add(2 * time.Hour)},
		NewThrottle: func() (*policy.Throttle, error) {
			return policy.SlidingThrottle(5, 12*time.Hour)
		},
		Skip:    policy.NextWithin{Lookahead: 10 * time.Hour},
		Runs:    &runs,
		Clients: clients,
	}
}

// summaryOf runs the documented rules over horizon with scripted runs.
func summaryOf(t *testing.T, horizon time.Duration, runs sim.Scripted) metrics.Summary {
	t.Helper()
	cfg := config(horizon, runs)
	c := metrics.NewCollector(cfg.Start, cfg.End)
	_, err := sim.Run(cfg, c)
	require.NoError(t, err)
	return c.Summary()
}

func TestWriteJSONFields(t *testing.T) {
	s := summaryOf(t, 26*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}})
	var buf bytes.Buffer
	r := RunReport{Scenario: "x", Seed: 7, Summary: s, Assumptions: []Assumption{{"throttle", "sliding"}}}
	require.NoError(t, r.WriteJSON(&buf))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	for _, k := range []string{"scenario", "seed", "start", "end", "requests", "accepted", "throttled", "conflicts",
		"retries", "gave_up", "runs_started", "runs_succeeded", "runs_failed", "scheduled_due", "scheduled_run",
		"scheduled_skipped", "freshness", "assumptions"} {
		assert.Contains(t, got, k)
	}
	assert.Equal(t, map[string]any{"mean_s": 18969.231, "p50_s": 18000.0, // 274/52 h, to the millisecond; 5h
		"p95_s": 10.85 * 3600, "max_s": 12.0 * 3600}, got["freshness"])
	assert.Equal(t, map[string]any{"throttle": "sliding"}, got["assumptions"])
	assert.Equal(t, 2.0, got["runs_started"])
}

func TestFormatMetricAndDelta(t *testing.T) {
	for _, tc := range []struct {
		metric     string
		v          float64
		value, dlt string
	}{
		{"freshness_p95", 3*3600 + 25*60, "3h25m", "+3h25m"},
		{"latency_p50", 90, "1m30s", "+1m30s"},
		{"throttled_fraction", 0.125, "12.5%", "+12.5%"},
		{"requests", 42, "42", "+42"},
		{"runs_per_day", 2.5, "2.50", "+2.50"},
	} {
		assert.Equal(t, tc.value, FormatMetric(tc.metric, tc.v), tc.metric)
		assert.Equal(t, tc.dlt, FormatDelta(tc.metric, tc.v), tc.metric)
		assert.Equal(t, "-"+tc.value, FormatDelta(tc.metric, -tc.v), tc.metric)
	}
	assert.Equal(t, "=", FormatDelta("requests", 0))
	assert.Equal(t, "n/a", FormatMetric("latency_p50", math.NaN()))
}

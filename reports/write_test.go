package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
)

func TestWriteJSONFields(t *testing.T) {
	s := documentedSummary(t)
	var buf bytes.Buffer
	r := RunReport{Scenario: "x", Seed: 7, Summary: s, Assumptions: []Assumption{{"throttle", "sliding"}}}
	require.NoError(t, r.WriteJSON(&buf))
	var got map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &got))
	for _, m := range metrics.All() {
		assert.Contains(t, got, m.Key(), "every metric of the table, under its key")
	}
	for _, k := range []string{"scenario", "seed", "start", "end", "replications", "scheduled_due", "scheduled_skipped_by_reason",
		"runs_in_progress", "latency_n", "assumptions"} {
		assert.Contains(t, got, k)
	}
	assert.NotContains(t, got, "aggregate", "one replication: no intervals")
	assert.Equal(t, 18969.231, got["freshness_mean_s"], "274/52 h, to the millisecond")
	assert.Equal(t, 18000.0, got["freshness_p50_s"])
	assert.Equal(t, 10.85*3600, got["freshness_p95_s"])
	assert.Equal(t, 12.0*3600, got["freshness_max_s"])
	assert.Equal(t, map[string]any{"throttle": "sliding"}, got["assumptions"])
	assert.Equal(t, 2.0, got["runs_started"])
}

// TestTextAndJSONShowTheSameTable: the text summary has a row per metric
// with its title, and the value JSON gives in machine units written in
// human ones.
func TestTextAndJSONShowTheSameTable(t *testing.T) {
	s := documentedSummary(t)
	r := RunReport{Scenario: "x", Seed: 7, Summary: s}
	var text, js bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.NoError(t, r.WriteJSON(&js))
	var got map[string]any
	require.NoError(t, json.Unmarshal(js.Bytes(), &got))
	for _, m := range metrics.All() {
		t.Run(m.Name, func(t *testing.T) {
			assert.Regexp(t, "(?m)^"+regexp.QuoteMeta(m.Title)+" +"+regexp.QuoteMeta(m.Format(got[m.Key()].(float64)))+"$", text.String())
		})
	}
}

// TestIntervalsAreNotNegative: the interval of a count whose replications
// spread widely is clipped at zero in text and JSON alike.
func TestIntervalsAreNotNegative(t *testing.T) {
	acc := metrics.NewAccumulator()
	acc.Add(metrics.Summary{Requests: 0})
	acc.Add(metrics.Summary{Requests: 10, Throttled: 10})
	r := RunReport{Scenario: "x", Summary: metrics.Summary{}, Aggregate: acc}
	var text, js bytes.Buffer
	require.NoError(t, r.WriteText(&text))
	require.NoError(t, r.WriteJSON(&js))
	assert.Regexp(t, `(?m)^requests +5 +\[0, 68\.53\] +0$`, text.String())
	assert.Regexp(t, `(?m)^throttled share +50\.0% +\[0\.0%, 100\.0%\] +0\.0%$`, text.String())
	assert.NotContains(t, text.String(), "[-")
	var got struct {
		Aggregate map[string]struct {
			Low  float64 `json:"ci95_low"`
			High float64 `json:"ci95_high"`
		}
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &got))
	assert.Equal(t, 0.0, got.Aggregate["requests"].Low)
	assert.Equal(t, 1.0, got.Aggregate["throttled_fraction"].High)
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWritersReturnWriteErrors(t *testing.T) {
	acc := metrics.NewAccumulator()
	acc.Add(metrics.Summary{Requests: 3})
	run := RunReport{Scenario: "x", Aggregate: acc}
	sweep := &SweepReport{Params: []string{"p"}, Points: []SweepPoint{{Values: []string{"1"}, Aggregate: acc}}}
	cmp := &ComparisonReport{Scenario: "x", Names: []string{"a", "b"}, Aggregates: []*metrics.Accumulator{acc, acc}, Changed: [][]Assumption{{{"k", "v"}}}}
	for name, write := range map[string]func(io.Writer) error{
		"run text": run.WriteText, "run json": run.WriteJSON, "sweep csv": sweep.WriteCSV, "sweep json": sweep.WriteJSON,
		"comparison text": cmp.WriteText, "comparison json": cmp.WriteJSON,
	} {
		t.Run(name, func(t *testing.T) {
			assert.ErrorContains(t, write(failingWriter{}), "disk full")
		})
	}
}

// TestSweepSummaryJSONQuotes: the sweep report's summary.json goes through
// encoding/json: parameters and values with quotes and control characters
// come back as they were, and the metrics keep their keys.
func TestSweepSummaryJSONQuotes(t *testing.T) {
	acc := metrics.NewAccumulator()
	acc.Add(metrics.Summary{Requests: 2})
	acc.Add(metrics.Summary{Requests: 4})
	odd := "a\x7fb\"c"
	sw := &SweepReport{Params: []string{"clients." + odd + ".arrivals.poisson.rate"}, Points: []SweepPoint{{Values: []string{odd}, Aggregate: acc}}}
	dir := t.TempDir()
	require.NoError(t, WriteSweep(dir, Page{Title: "t", Sweep: sw}))
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	require.NoError(t, err)
	var got []struct {
		Params  map[string]string
		Metrics map[string]map[string]float64
	}
	require.NoError(t, json.Unmarshal(data, &got))
	require.Len(t, got, 1)
	assert.Equal(t, map[string]string{sw.Params[0]: odd}, got[0].Params)
	assert.Equal(t, 3.0, got[0].Metrics["requests"]["mean"])
	assert.Equal(t, 2.0, got[0].Metrics["requests"]["n"])
	assert.Contains(t, got[0].Metrics, "freshness_p95_s")
	assert.Len(t, got[0].Metrics, len(metrics.All()))
}

// TestTextLeadsWithTheEstimate: with replications the mean and its
// interval come first and one replication's value is labelled; a single
// replication says it has no interval.
func TestTextLeadsWithTheEstimate(t *testing.T) {
	acc := metrics.NewAccumulator()
	acc.Add(metrics.Summary{Requests: 4})
	acc.Add(metrics.Summary{Requests: 6})
	tests := []struct {
		name   string
		report RunReport
		header string
		row    string
	}{
		{name: "replications", report: RunReport{Scenario: "x", Seed: 7, Summary: metrics.Summary{Requests: 4}, Aggregate: acc},
			header: `(?m)^ +mean of 2 replications +95% confidence interval +replication 1 \(seed 7\)$`, row: `(?m)^requests +5 +\[\S+, \S+\] +4$`},
		{name: "one replication", report: RunReport{Scenario: "x", Seed: 7, Summary: metrics.Summary{Requests: 4}},
			header: `(?m)^ +one replication \(seed 7\); no interval: --replications N gives one$`, row: `(?m)^requests +4$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var text bytes.Buffer
			require.NoError(t, tc.report.WriteText(&text))
			assert.Regexp(t, tc.header, text.String())
			assert.Regexp(t, tc.row, text.String())
		})
	}
}

// TestSweepWideCSV: a row per point, the units in the column names, the
// interval empty with one replication.
func TestSweepWideCSV(t *testing.T) {
	two, one := metrics.NewAccumulator(), metrics.NewAccumulator()
	two.Add(metrics.Summary{Requests: 10, Throttled: 1})
	two.Add(metrics.Summary{Requests: 10, Throttled: 3})
	one.Add(metrics.Summary{Requests: 4, Throttled: 1})
	tests := []struct {
		name      string
		acc       *metrics.Accumulator
		n, mean   string
		low, high string
	}{
		{name: "two replications", acc: two, n: "2", mean: "0.2", low: "0", high: "1"},
		{name: "one replication", acc: one, n: "1", mean: "0.25", low: "", high: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sw := &SweepReport{Params: []string{"rate"}, Points: []SweepPoint{{Values: []string{"1/h"}, Aggregate: tc.acc}, {Values: []string{"2/h"}, Aggregate: tc.acc}}}
			var buf bytes.Buffer
			require.NoError(t, sw.WriteWideCSV(&buf))
			rows, err := csv.NewReader(&buf).ReadAll()
			require.NoError(t, err)
			require.Len(t, rows, 3, "a header and a row per point")
			col := map[string]int{}
			for i, h := range rows[0] {
				col[h] = i
			}
			assert.Contains(t, col, "freshness_p95_s", "durations in seconds, said in the name")
			assert.Equal(t, "1/h", rows[1][col["rate"]])
			assert.Equal(t, tc.n, rows[1][col["n"]])
			assert.Equal(t, tc.mean, rows[1][col["throttled_fraction"]])
			assert.Equal(t, tc.low, rows[1][col["throttled_fraction_ci95_low"]])
			assert.Equal(t, tc.high, rows[1][col["throttled_fraction_ci95_high"]])
		})
	}
}

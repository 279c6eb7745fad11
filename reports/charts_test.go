package reports

import (
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/metrics"
	"runsim/sim"
)

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	return rows
}

// TestChartsMatchTheMetrics: the data behind each chart agrees with the
// summary of the same run, and each PNG decodes at the stated size.
func TestChartsMatchTheMetrics(t *testing.T) {
	cfg := simtest.Documented(3*24*time.Hour, sim.Scripted{
		{Duration: time.Hour, Status: sim.Completed}, {Duration: 2 * time.Hour, Status: sim.Failed},
		{Duration: 90 * time.Minute, Status: sim.Completed}})
	cfg.Clients = []sim.Client{{Name: "admin", Arrivals: sim.Periodic{First: cfg.Start.Add(30 * time.Minute), Every: 3 * time.Hour},
		OnConflict: sim.Retry{Kind: sim.AfterDelay, Delay: 20 * time.Minute, MaxAttempts: 2}}}
	tl := metrics.NewTimeline(cfg.Start, cfg.End)
	s := measure(t, cfg, tl)
	dir := t.TempDir()
	charts, err := Charts(tl, dir)
	require.NoError(t, err)
	require.Len(t, charts, 4)

	for _, ch := range charts {
		f, err := os.Open(filepath.Join(dir, ch.PNG))
		require.NoError(t, err)
		cfg, err := png.DecodeConfig(f)
		f.Close()
		require.NoError(t, err, ch.PNG)
		assert.Equal(t, ChartPixelsWide, cfg.Width, ch.PNG)
		assert.Equal(t, ChartPixelsHigh, cfg.Height, ch.PNG)
		assert.Contains(t, ch.InlineSVG()[:5], "<svg")
	}

	// Freshness: the highest bucket's peak is the max.
	col := func(file string, header []string, i int) []float64 {
		rows := readCSV(t, filepath.Join(dir, file))
		require.Equal(t, header, rows[0], file)
		var out []float64
		for _, r := range rows[1:] {
			v, err := strconv.ParseFloat(r[i], 64)
			require.NoError(t, err)
			out = append(out, v)
		}
		return out
	}
	assert.Equal(t, s.Freshness.Max.Seconds(), slices.Max(col("freshness.csv", []string{"from", "to", "age_min_s", "age_mean_s", "age_max_s"}, 4)))
	// Occupancy: the highest bucket's peak is the max.
	top := slices.Max(col("occupancy.csv", []string{"from", "to", "slots_min", "slots_mean", "slots_max"}, 4))
	assert.Equal(t, s.OccupancyMax, top)
	assert.Positive(t, top)

	// Timeline: one row per run, and the marks.
	kinds := map[string]int{}
	for _, r := range readCSV(t, filepath.Join(dir, "timeline.csv"))[1:] {
		kinds[r[0]]++
	}
	assert.Equal(t, s.RunsStarted, kinds["run"])
	assert.Equal(t, s.Conflicts, kinds["conflict"])
	assert.Equal(t, s.Throttled, kinds["throttled"])
	skipped := 0
	for _, n := range s.ScheduledSkipped {
		skipped += n
	}
	assert.Equal(t, skipped, kinds["skipped"])

	// Cumulative: a row per bucket, the counts so far; the last row holds
	// the totals.
	rows := readCSV(t, filepath.Join(dir, "cumulative.csv"))
	assert.Len(t, rows, 1+len(tl.Occupancy().Buckets), "a row per bucket")
	totals := map[string]int{}
	for i, k := range rows[0][1:] {
		n, err := strconv.Atoi(rows[len(rows)-1][i+1])
		require.NoError(t, err)
		totals[k] = n
	}
	assert.Equal(t, rfc(cfg.End), rows[len(rows)-1][0])
	assert.Equal(t, s.Requests, totals["requests"])
	assert.Equal(t, s.Accepted, totals["accepted"])
	assert.Equal(t, s.Conflicts, totals["conflicts"])
	assert.Equal(t, s.RunsSucceeded+s.RunsFailed, totals["runs_finished"])
}

// TestDateTicks: time axes read as dates, on round instants.
func TestDateTicks(t *testing.T) {
	tests := []struct {
		name        string
		span        time.Duration
		first, last string
	}{
		{name: "three days: every 6 hours", span: 3 * 24 * time.Hour, first: "Jan 6 00:00", last: "Jan 9 00:00"},
		{name: "two weeks: days", span: 14 * 24 * time.Hour, first: "Jan 6", last: "Jan 20"},
		{name: "a year: quarters", span: 365 * 24 * time.Hour, first: "Apr 2025", last: "Jan 2026"},
		{name: "ten years: years", span: 3650 * 24 * time.Hour, first: "2026", last: "2035"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ticks := dateTicks{}.Ticks(unix(simtest.T0), unix(simtest.T0.Add(tc.span)))
			require.NotEmpty(t, ticks)
			assert.LessOrEqual(t, len(ticks), 13)
			assert.Equal(t, tc.first, ticks[0].Label)
			assert.Equal(t, tc.last, ticks[len(ticks)-1].Label)
		})
	}
}

// TestNumberTicks: count axes read 0 30 60, not 0.00 30.00 60.00.
func TestNumberTicks(t *testing.T) {
	var labels []string
	for _, tk := range (numberTicks{integers: true}).Ticks(0, 60) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	assert.Equal(t, []string{"0", "30", "60"}, labels)
	for _, tk := range (numberTicks{}).Ticks(0, 0.5) {
		assert.NotContains(t, tk.Label, "00", "no trailing zeros")
	}
}

func TestSweepChartData(t *testing.T) {
	a, b := metrics.NewAccumulator(), metrics.NewAccumulator()
	a.Add(metrics.Summary{Requests: 10, Throttled: 1})
	a.Add(metrics.Summary{Requests: 10, Throttled: 3})
	b.Add(metrics.Summary{Requests: 10, Throttled: 5})
	b.Add(metrics.Summary{Requests: 10, Throttled: 5})
	sw := &SweepReport{Params: []string{"rate"}, Points: []SweepPoint{{Values: []string{"1/h"}, Aggregate: a}, {Values: []string{"2/h"}, Aggregate: b}}}
	dir := t.TempDir()
	m := metrics.MustLookup("throttled_fraction")
	c, err := SweepChart(dir, "rate", m, sweepCurves(sw, m))
	require.NoError(t, err)
	rows := readCSV(t, filepath.Join(dir, c.CSV))
	require.Len(t, rows, 3)
	assert.Equal(t, []string{"series", "rate", "metric", "mean", "ci95_low", "ci95_high"}, rows[0])
	assert.Equal(t, "1/h", rows[1][1])
	assert.Equal(t, "throttled_fraction", rows[1][2])
	assert.Equal(t, "0.2", rows[1][3], "mean of 0.1 and 0.3")
	assert.Equal(t, []string{"", "2/h", "throttled_fraction", "0.5", "0.5", "0.5"}, rows[2], "no spread, no width")
	// t(0.975, 1) = 12.7062; s = 0.1414; n = 2: 0.2 ± 1.27, clipped to the range of a fraction.
	assert.Equal(t, "0", rows[1][4], "a fraction's interval does not go below 0")
	assert.Equal(t, "1", rows[1][5], "nor above 1")
	unclipped := 0.2 + 12.7062047362*0.1414213562/1.414213562
	assert.Greater(t, unclipped, 1.0)
	assert.Contains(t, c.InlineSVG(), "throttled share (%)", "the axis title comes from the metric table")
}

// TestComparisonChartLabelsEveryBar: a short bar beside a tall one still
// reads: every bar carries its value, and the tallest has room above it.
func TestComparisonChartLabelsEveryBar(t *testing.T) {
	m := metrics.MustLookup("freshness_p95")
	values := []float64{3 * 3600, 636 * 3600, 3.2 * 3600}
	c, err := ComparisonChart(t.TempDir(), m, []string{"baseline", "count-attempts", "bucket"}, values)
	require.NoError(t, err)
	svg := c.InlineSVG()
	for _, v := range values {
		assert.Contains(t, svg, ">"+m.Format(v)+"<", "the bar of %v is labelled", v)
	}
	assert.Contains(t, svg, ">p95 freshness (hours)<", "the axis title is the metric's name and unit")
}

// TestParamTitle: a swept field's path reads as words on a chart.
func TestParamTitle(t *testing.T) {
	for path, want := range map[string]string{
		"service.throttle.limit":              "throttle limit",
		"clients.admin.arrivals.poisson.rate": "arrivals poisson rate of client admin",
		"service.run.duration.median":         "run duration median",
		"seed":                                "seed",
		"clients.0.on_throttle.max_attempts":  "on throttle max attempts of client 0",
	} {
		assert.Equal(t, want, ParamTitle(path), path)
	}
}

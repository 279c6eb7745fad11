package metrics

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/sim"
)

func TestBucketWidth(t *testing.T) {
	d := 24 * time.Hour
	tests := []struct {
		name    string
		horizon time.Duration
		want    time.Duration
	}{
		{name: "a day: minutes", horizon: d, want: time.Minute},
		{name: "a week: five minutes", horizon: 7 * d, want: 5 * time.Minute},
		{name: "two weeks: a quarter of an hour", horizon: 14 * d, want: 15 * time.Minute},
		{name: "a quarter: hours", horizon: 90 * d, want: time.Hour},
		{name: "a year: days", horizon: 365 * d, want: d},
		{name: "ten years: weeks", horizon: 3650 * d, want: 7 * d},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, BucketWidth(tc.horizon))
			assert.LessOrEqual(t, int((tc.horizon+tc.want-1)/tc.want), MaxBuckets)
		})
	}
}

// timelineRun runs a busy scenario over horizon with a Collector and a
// Timeline side by side: the documented rules without the skip rule, runs
// that complete after 110m and fail after 50m in turn, and admin asking
// every 100m, retrying once 20m after a 409.
func timelineRun(t *testing.T, horizon time.Duration) (Summary, *Timeline) {
	t.Helper()
	cfg := simtest.Documented(horizon, sim.Scripted{{Duration: 110 * time.Minute, Status: sim.Completed}, {Duration: 50 * time.Minute, Status: sim.Failed}},
		sim.Client{Name: "admin", Arrivals: sim.Periodic{First: t0.Add(30 * time.Minute), Every: 100 * time.Minute},
			OnConflict: sim.Retry{Kind: sim.AfterDelay, Delay: 20 * time.Minute, MaxAttempts: 2}})
	cfg.Skip = nil
	return charted(t, cfg)
}

// TestTimelineSeriesAgreeWithTheSummary: whatever the bucket width, the
// bucketed series keep what the summary measures: the time-weighted means
// over the horizon, the peaks, and the counts.
func TestTimelineSeriesAgreeWithTheSummary(t *testing.T) {
	tests := []struct {
		name    string
		horizon time.Duration
	}{
		{name: "three days, minute buckets", horizon: 3 * 24 * time.Hour},
		{name: "sixty days, hour buckets", horizon: 60 * 24 * time.Hour},
		{name: "two years, day buckets", horizon: 730 * 24 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, tl := timelineRun(t, tc.horizon)
			require.Positive(t, s.Throttled+s.Conflicts, "the run refuses requests")
			weighted := func(ser Series) (mean, top float64) {
				for i, b := range ser.Buckets {
					mean += b.Mean * tl.BucketEnd(i).Sub(b.At).Seconds()
					top = max(top, b.Max)
					assert.LessOrEqual(t, b.Min, b.Mean+1e-9, "bucket %d", i)
					assert.LessOrEqual(t, b.Mean, b.Max+1e-9, "bucket %d", i)
				}
				return mean / tc.horizon.Seconds(), top
			}
			fm, fmax := weighted(tl.Freshness())
			assert.InDelta(t, s.Freshness.Mean.Seconds(), fm, 1e-3*s.Freshness.Mean.Seconds(), "freshness mean")
			assert.Equal(t, s.Freshness.Max.Seconds(), fmax, "freshness peak")
			om, omax := weighted(tl.Occupancy())
			assert.InDelta(t, s.OccupancyMean, om, 1e-9, "occupancy mean")
			assert.Equal(t, s.OccupancyMax, omax, "occupancy peak")
			last := func(kind string) int { c := tl.Cumulative(kind); return c[len(c)-1] }
			assert.Equal(t, s.Requests, last("requests"))
			assert.Equal(t, s.Throttled, last("throttled"))
			assert.Equal(t, s.Conflicts, last("conflicts"))
			assert.Equal(t, s.Requests, tl.Total("requests"))
			assert.LessOrEqual(t, len(tl.Freshness().Buckets), MaxBuckets)
		})
	}
}

// TestTimelineKeepsDetailForItsFirstDays: runs and marks are kept for the
// span the timeline chart shows, not beyond.
func TestTimelineKeepsDetailForItsFirstDays(t *testing.T) {
	s, tl := timelineRun(t, 60*24*time.Hour)
	require.Greater(t, s.RunsStarted, 0)
	assert.Equal(t, t0.Add(DetailSpan), tl.DetailEnd)
	assert.Less(t, len(tl.Runs), s.RunsStarted)
	for _, r := range tl.Runs {
		assert.True(t, r.Start.Before(tl.DetailEnd), "run %d starts at %s", r.Run, r.Start)
	}
	for _, m := range tl.Marks {
		assert.True(t, m.At.Before(tl.DetailEnd), "%s at %s", m.Kind, m.At)
	}
	short, tl := timelineRun(t, 3*24*time.Hour)
	assert.Len(t, tl.Runs, short.RunsStarted, "a short run keeps every run")
}

// TestTimelineDetailIsBounded: a busy run keeps at most MaxDetail runs and
// marks, up to a whole hour.
func TestTimelineDetailIsBounded(t *testing.T) {
	cfg := simtest.Documented(30*24*time.Hour, sim.Scripted{{Duration: 110 * time.Minute, Status: sim.Completed}},
		sim.Client{Name: "poller", Arrivals: sim.Periodic{First: t0, Every: 30 * time.Second}})
	cfg.Schedule, cfg.Skip = nil, nil
	tl := NewTimeline(cfg.Start, cfg.End)
	_, err := sim.Run(cfg, tl)
	require.NoError(t, err)
	assert.LessOrEqual(t, len(tl.Runs)+len(tl.Marks), MaxDetail)
	assert.Greater(t, len(tl.Runs)+len(tl.Marks), MaxDetail-200, "up to the last whole hour")
	assert.Equal(t, time.Duration(0), tl.DetailEnd.Sub(t0)%time.Hour)
	for _, m := range tl.Marks {
		assert.True(t, m.At.Before(tl.DetailEnd))
	}
	assert.Equal(t, 30*24*120, tl.Total("requests"), "counts go on")
}

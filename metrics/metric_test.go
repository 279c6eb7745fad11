package metrics

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLookup(t *testing.T) {
	m, err := Lookup("freshness_p95")
	require.NoError(t, err)
	assert.Equal(t, Duration, m.Kind)
	assert.Equal(t, "freshness_p95_s", m.Key())
	assert.Equal(t, "s", m.Unit())
	assert.Equal(t, 3600.0, m.Value(Summary{Freshness: Freshness{P95: time.Hour}}))

	_, err = Lookup("happiness")
	assert.EqualError(t, err, `metrics: unknown metric "happiness" (known: `+strings.Join(MetricNames, ", ")+`)`)
	_, ok := Summary{}.Metric("happiness")
	assert.False(t, ok)
}

// TestTableIsComplete: every metric has a title, a doc and a value, keys
// are unique, and Summary.Metric answers from the table.
func TestTableIsComplete(t *testing.T) {
	keys := map[string]bool{}
	s := Summary{Requests: 8, Accepted: 4, Throttled: 2, Conflicts: 2, ScheduledSkipped: map[string]int{"a": 1, "b": 2},
		Freshness: Freshness{Max: 90 * time.Minute}, OccupancyMax: 3, RunsPerDay: 1.5}
	for _, m := range All() {
		t.Run(m.Name, func(t *testing.T) {
			assert.NotEmpty(t, m.Title)
			assert.NotEmpty(t, m.Doc)
			require.NotNil(t, m.Value)
			assert.False(t, keys[m.Key()], "key %s twice", m.Key())
			keys[m.Key()] = true
			v, ok := s.Metric(m.Name)
			assert.True(t, ok)
			assert.Equal(t, m.Value(s), v)
			if m.Kind == Duration {
				assert.True(t, strings.HasSuffix(m.Key(), "_s"))
			} else {
				assert.Equal(t, m.Name, m.Key())
			}
		})
	}
	assert.Equal(t, 3.0, MustLookup("scheduled_skipped").Value(s))
	assert.Equal(t, 0.25, MustLookup("throttled_fraction").Value(s))
	assert.Equal(t, 5400.0, MustLookup("freshness_max").Value(s))
}

func TestFormat(t *testing.T) {
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
		{"requests", 26250870, "26,250,870", "+26,250,870"},
		{"runs_per_day", 12345.678, "12,345.68", "+12,345.68"},
		{"runs_per_day", 0.25, "0.25", "+0.25"},
	} {
		t.Run(tc.metric, func(t *testing.T) {
			m := MustLookup(tc.metric)
			assert.Equal(t, tc.value, m.Format(tc.v))
			assert.Equal(t, tc.dlt, m.FormatDelta(tc.v))
			assert.Equal(t, "-"+tc.value, m.FormatDelta(-tc.v))
		})
	}
	assert.Equal(t, "=", MustLookup("requests").FormatDelta(0))
	assert.Equal(t, "n/a", MustLookup("latency_p50").Format(math.NaN()))
}

func TestFormatInt(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {999, "999"}, {1000, "1,000"}, {-1000, "-1,000"}, {26250870, "26,250,870"},
		{-123456, "-123,456"}, {math.MaxInt64, "9,223,372,036,854,775,807"}, {math.MinInt64, "-9,223,372,036,854,775,808"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			assert.Equal(t, tc.want, FormatInt(tc.n))
		})
	}
}

func TestLookupSuggests(t *testing.T) {
	for name, want := range map[string]string{
		"throtled_fraction": `metrics: unknown metric "throtled_fraction"; did you mean "throttled_fraction"?`,
		"freshnes_p95":      `metrics: unknown metric "freshnes_p95"; did you mean "freshness_p95"?`,
		"happiness":         `metrics: unknown metric "happiness" (known: requests, accepted, throttled,`,
	} {
		_, err := Lookup(name)
		assert.ErrorContains(t, err, want, name)
	}
}

// TestIntervalsStayInRange: bounds are clipped to what a metric can take;
// the mean is not.
func TestIntervalsStayInRange(t *testing.T) {
	a := NewAccumulator()
	a.Add(Summary{Requests: 1, Throttled: 0})
	a.Add(Summary{Requests: 1, Throttled: 1})
	a.Add(Summary{Requests: 100, Throttled: 0})
	tests := map[string]struct{ mean, lo, hi float64 }{
		"requests":           {34, 0, 34 + 4.302652729911275*math.Sqrt(3267/3.0)},
		"throttled_fraction": {1.0 / 3, 0, 1},
	}
	for name, want := range tests {
		t.Run(name, func(t *testing.T) {
			iv := a.Interval(name)
			assert.InDelta(t, want.mean, iv.Mean, 1e-9)
			assert.Equal(t, want.lo, iv.Low)
			assert.InDelta(t, want.hi, iv.High, 1e-6)
		})
	}
	assert.True(t, math.IsNaN(a.Interval("happiness").Mean))
}

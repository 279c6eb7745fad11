package experiment

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
)

func TestRoundToward(t *testing.T) {
	tests := []struct {
		name  string
		x     float64
		width float64
		up    bool
		want  float64
	}{
		{name: "a bracket of 0.046 keeps two decimals", x: 13.484375, width: 0.046, want: 13.48},
		{name: "a span of 2.2 keeps the units", x: 13.484375, width: 2.2, want: 13},
		{name: "up for the smallest", x: 13.484375, width: 2.2, up: true, want: 14},
		{name: "a span of 30 keeps the tens", x: 47.5, width: 30, want: 40},
		{name: "already round", x: 13.5, width: 0.1, want: 13.5},
		{name: "no width", x: 1.234, width: 0, want: 1.234},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.InDelta(t, tc.want, roundToward(tc.x, tc.width, tc.up), 1e-12)
		})
	}
}

func TestUnevenness(t *testing.T) {
	throttled := MustTarget(t, "throttled_fraction<=5%")
	step := func(x, mean float64) Step {
		return Step{Value: fmt.Sprintf("%g/d", x), x: x, Interval: metrics.Interval{Mean: mean}}
	}
	tests := []struct {
		name     string
		smallest bool
		steps    []Step
		lo, hi   float64
		words    string
	}{
		{name: "monotone", steps: []Step{step(1, 0), step(48, 0.12), step(24.5, 0.09), step(13.48, 0.045), step(13.53, 0.046)}},
		{name: "ties are not a fault", steps: []Step{step(13.48, 0.046), step(13.53, 0.046)}},
		{name: "one pair the other way", steps: []Step{step(1, 0), step(48, 0.12), step(13.48, 0.047), step(13.53, 0.046), step(13.85, 0.049)},
			lo: 13.48, hi: 13.53, words: "the mean of throttled_fraction is 4.6% at 13.53/d but 4.7% at 13.48/d"},
		{name: "the widest pair is named", steps: []Step{step(12, 0.05), step(13, 0.04), step(14, 0.045)},
			lo: 12, hi: 14, words: "the mean of throttled_fraction is 4.5% at 14/d but 5.0% at 12/d"},
		{name: "smallest runs the other way", smallest: true, steps: []Step{step(1, 0.2), step(9, 0.01), step(5, 0.03)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := Capacity{Target: throttled, Steps: tc.steps}
			lo, hi, words := c.unevenness(tc.smallest)
			assert.Equal(t, tc.words, words)
			if tc.words != "" {
				assert.Equal(t, tc.lo, lo)
				assert.Equal(t, tc.hi, hi)
			}
		})
	}
}

func MustTarget(t *testing.T, s string) Target {
	t.Helper()
	target, err := ParseTarget(s)
	require.NoError(t, err)
	return target
}

func TestCapacityTries(t *testing.T) {
	tests := []struct {
		lo, hi string
		tol    float64
		want   int
	}{
		{lo: "1", hi: "20", want: 2 + 5},
		{lo: "1/d", hi: "48/d", want: 2 + 10},
		{lo: "0.1/h", hi: "2/h", tol: 0.002, want: 2 + 10},
		{lo: "1", hi: "2", want: 2},
	}
	for _, tc := range tests {
		t.Run(tc.lo+":"+tc.hi, func(t *testing.T) {
			got, err := CapacityTries(tc.lo, tc.hi, tc.tol)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
	_, err := CapacityTries("5", "1", 0)
	assert.ErrorContains(t, err, "an empty range 5:1")
}

// TestCapacityAnswer: the search's answer is the best value that held,
// rounded to the span the evidence supports, and its progress counts
// replications up to the most values it may try.
func TestCapacityAnswer(t *testing.T) {
	s := load(t, fmt.Sprintf(poisson, 3))
	s, err := s.With("horizon=7d")
	require.NoError(t, err)
	var calls [][2]int
	progress := func(done, total int) { calls = append(calls, [2]int{done, total}) }
	res, err := SearchCapacity(s, "clients.a.arrivals.poisson.rate", "0.1/h", "2/h", MustTarget(t, "requests<=100"), false, 0,
		Options{Replications: 20, Workers: 2, Progress: progress})
	require.NoError(t, err)
	held, _, err := splitNumber(res.HeldAt)
	require.NoError(t, err)
	found, unit, err := splitNumber(res.Found)
	require.NoError(t, err)
	assert.Equal(t, "/h", unit)
	assert.LessOrEqual(t, found, held, "rounded toward the side that holds")
	assert.NotEmpty(t, res.ClearlyFailedAt)
	clear, _, _ := splitNumber(res.ClearlyFailedAt)
	step := math.Pow(10, math.Floor(math.Log10(clear-held)))
	assert.InDelta(t, math.Floor(held/step)*step, found, 1e-9, "to the digits of the span %s..%s", res.HeldAt, res.ClearlyFailedAt)
	assert.True(t, res.Monotone, "common random numbers: requests grow with the rate")
	assert.Empty(t, res.Note)

	tries, err := CapacityTries("0.1/h", "2/h", 0)
	require.NoError(t, err)
	require.Len(t, calls, len(res.Steps)*20)
	for i, c := range calls {
		assert.Equal(t, [2]int{i + 1, tries * 20}, c)
	}
}

func TestTargetMetricNames(t *testing.T) {
	tests := []struct {
		spec, metric, err string
	}{
		{spec: "freshness_p95_s<=6h", metric: "freshness_p95"},
		{spec: "throttled_fraction<=5%", metric: "throttled_fraction"},
		{spec: "throtled_fraction<=5%", err: `--target: unknown metric "throtled_fraction"; did you mean "throttled_fraction"?`},
		{spec: "requests_s<=5", err: `--target: unknown metric "requests_s"; did you mean "requests"?`},
		{spec: "happiness<=1", err: `--target: unknown metric "happiness" (known: requests, accepted,`},
	}
	for _, tc := range tests {
		t.Run(tc.spec, func(t *testing.T) {
			target, err := ParseTarget(tc.spec)
			if tc.err != "" {
				assert.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.metric, target.Metric.Name)
		})
	}
}

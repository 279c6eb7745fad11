package experiment

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/metrics"
)

// poisson is a model with a known answer: requests at 1/h for 14 days,
// nothing throttled, so the number of requests is Poisson with mean 336.
var poisson = simtest.Scenario("known", "14d") + `seed: %d
service: {schedule: {kind: none}, throttle: {kind: none}, overlap: {on_demand: concurrent}}
clients:
  - {name: a, arrivals: {poisson: {rate: 1/h}}}
`

// TestConfidenceIntervalsCover: 400 independent experiments of 10
// replications each; the 95% interval of the mean number of requests covers
// the true mean (336) in 95% of them, within ±3.5 points (3 standard errors
// of a binomial proportion over 400 experiments).
func TestConfidenceIntervalsCover(t *testing.T) {
	const experiments, truth = 400, 336.0
	covered := 0
	for e := range experiments {
		_, acc, err := Replicate(load(t, fmt.Sprintf(poisson, 1000+e)), Options{Replications: 10, Workers: 2})
		require.NoError(t, err)
		iv := acc.Interval("requests")
		require.Equal(t, 10, iv.N)
		if iv.Low <= truth && truth <= iv.High {
			covered++
		}
	}
	rate := float64(covered) / experiments
	t.Logf("coverage %.3f over %d experiments", rate, experiments)
	assert.InDelta(t, 0.95, rate, 0.035)
}

func TestReplicateIsIndependentOfWorkers(t *testing.T) {
	s := load(t, fmt.Sprintf(poisson, 7))
	_, one, err := Replicate(s, Options{Replications: 37, Workers: 1})
	require.NoError(t, err)
	_, four, err := Replicate(s, Options{Replications: 37, Workers: 4})
	require.NoError(t, err)
	assert.Equal(t, one.Intervals(), four.Intervals())
}

func TestSweepIsIndependentOfWorkers(t *testing.T) {
	s := documented(t)
	ps := params(t, "clients.admin.arrivals.poisson.rate=2/d:12/d:5/d", "service.throttle.limit=3,5")
	run := func(workers int) []Point {
		var pts []Point
		require.NoError(t, Sweep(s, ps, Options{Replications: 9, Workers: workers}, func(pt Point) error {
			pts = append(pts, pt)
			return nil
		}))
		return pts
	}
	one, two := run(1), run(2)
	require.Len(t, one, 6)
	assert.Equal(t, []string{"2/d", "3"}, one[0].Values)
	assert.Equal(t, []string{"12/d", "5"}, one[5].Values)
	for i := range one {
		assert.Equal(t, one[i].Values, two[i].Values)
		assert.Equal(t, one[i].Aggregate.Intervals(), two[i].Aggregate.Intervals())
	}
}

func TestParseParam(t *testing.T) {
	tests := []struct {
		spec string
		want []string
		err  string
	}{
		{spec: "a.b=1,2,5", want: []string{"1", "2", "5"}},
		{spec: "a.b=0.5/h:2/h:0.5/h", want: []string{"0.5/h", "1/h", "1.5/h", "2/h"}},
		{spec: "a.b=0.1:0.3:0.1", want: []string{"0.1", "0.2", "0.3"}},
		{spec: "a.b=1h:3h:1h", want: []string{"1h", "2h", "3h"}},
		{spec: "a.b=sliding,token-bucket", want: []string{"sliding", "token-bucket"}},
		{spec: "a.b=1e300:1e300:1", want: []string{"1e+300"}}, // a step lost in from's rounding once looped forever
		{spec: "a.b=1e16:1e16:0.5", want: []string{"1e+16"}},
		{spec: "a.b=5:1:1", err: "--param a.b=5:1:1: an empty range: from 5 is above to 1"},
		{spec: "a.b=1:5:0", err: "--param a.b=1:5:0: a step of zero"},
		{spec: "a.b=1:5:-1", err: "--param a.b=1:5:-1: a negative step"},
		{spec: "a.b=1/h:5/d:1/h", err: `--param a.b=1/h:5/d:1/h: from, to and step must share one unit, got "/h", "/d", "/h"`},
		{spec: "a.b=1,,2", err: "--param a.b=1,,2: an empty value in the list"},
		{spec: "a.b", err: `--param "a.b": want path=v1,v2,... or path=from:to:step`},
	}
	for _, tc := range tests {
		p, err := ParseParam(tc.spec)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err)
			continue
		}
		require.NoError(t, err, tc.spec)
		assert.Equal(t, tc.want, p.Values, tc.spec)
	}
}

// TestCapacityDeterministic: twelve hourly requests against a sliding log of
// limit L accept min(L, 12) within the first 12 hours; the smallest limit
// that accepts at least 8 is exactly 8.
func TestCapacityDeterministic(t *testing.T) {
	s := load(t, `name: hourly
start: 2025-01-06T00:00:00Z
horizon: 12h
service:
  schedule: {kind: none}
  run: {duration: {dist: constant, value: 10m}, outcomes: {completed: 1}}
clients:
  - {name: tool, arrivals: {at: [0s, 1h, 2h, 3h, 4h, 5h, 6h, 7h, 8h, 9h, 10h, 11h]}}
`)
	target, err := ParseTarget("accepted>=8")
	require.NoError(t, err)
	res, err := SearchCapacity(s, "service.throttle.limit", "1", "20", target, true, 0, Options{Replications: 3, Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, "8", res.Found)
	assert.Empty(t, res.Note)
	for _, st := range res.Steps {
		assert.Equal(t, st.Interval.Low, st.Interval.High, "no randomness: a zero-width interval")
	}
	// And the largest limit that keeps throttled at most 2: 10 starts leave 2 refused.
	target, err = ParseTarget("throttled<=2")
	require.NoError(t, err)
	res, err = SearchCapacity(s, "service.throttle.limit", "1", "20", target, false, 0, Options{Replications: 1})
	require.NoError(t, err)
	assert.Empty(t, res.Found, "throttling falls as the limit rises: \"largest\" finds nothing")
	assert.Equal(t, "no value in the range holds: throttled<=2 fails at 1", res.Note)
	res, err = SearchCapacity(s, "service.throttle.limit", "1", "20", target, true, 0, Options{Replications: 1})
	require.NoError(t, err)
	assert.Equal(t, "10", res.Found, "the smallest limit with at most 2 of 12 throttled")
}

// TestCapacityStochastic: the requests in 7 days at rate r are Poisson with
// mean 168·r, so the true threshold for "requests <= 100" is r = 100/168/h
// = 0.595/h. Requiring the whole 95% interval below 100 puts the answer a
// little under it: within 5% below the truth, never above it.
func TestCapacityStochastic(t *testing.T) {
	s := load(t, fmt.Sprintf(poisson, 3)) // its rate is what the search varies
	s, err := s.With("horizon=7d")
	require.NoError(t, err)
	target, err := ParseTarget("requests<=100")
	require.NoError(t, err)
	res, err := SearchCapacity(s, "clients.a.arrivals.poisson.rate", "0.1/h", "2/h", target, false, 0.002, Options{Replications: 60, Workers: 2})
	require.NoError(t, err)
	found, unit, err := splitNumber(res.Found)
	require.NoError(t, err)
	assert.Equal(t, "/h", unit)
	truth := 100.0 / 168
	t.Logf("found %s, truth %.4f/h, %d steps", res.Found, truth, len(res.Steps))
	assert.LessOrEqual(t, found, truth)
	assert.GreaterOrEqual(t, found, truth*0.95)
	assert.Less(t, len(res.Steps), 15)
}

func TestTargets(t *testing.T) {
	for spec, want := range map[string]struct {
		Metric string
		Max    bool
		Value  float64
	}{
		"throttled_fraction<=5%": {Metric: "throttled_fraction", Max: true, Value: 0.05},
		"freshness_p95<=6h":      {Metric: "freshness_p95", Max: true, Value: 21600},
		"runs_per_day>=2.5":      {Metric: "runs_per_day", Value: 2.5},
	} {
		got, err := ParseTarget(spec)
		require.NoError(t, err, spec)
		assert.Equal(t, want.Metric, got.Metric.Name)
		assert.Equal(t, want.Max, got.Max)
		assert.InDelta(t, want.Value, got.Value, 1e-12)
	}
	_, err := ParseTarget("happiness<=1")
	assert.ErrorContains(t, err, `unknown metric "happiness"`)
	_, err = ParseTarget("throttled_fraction=5%")
	assert.ErrorContains(t, err, "want metric<=value or metric>=value")
	_, err = ParseTarget("throttled_fraction<=lots")
	assert.ErrorContains(t, err, `bad value "lots"`)
	assert.True(t, math.IsNaN(metrics.NewAccumulator().Interval("requests").Mean))
}

// tool: requests every 20 minutes that never retry, against a sliding log
// of 5 in 2h.
var tool = simtest.Scenario("tool", "3d") + `seed: 4
service:
  throttle: {kind: sliding, limit: 5, window: 2h}
  run: {duration: {dist: exponential, mean: 10m}, outcomes: {completed: 1}}
clients:
  - {name: t, arrivals: {poisson: {rate: 3/h}}}
`

// TestCompareIsReplicate: each column of a comparison is what Replicate
// gives for that variant alone, whatever the number of workers.
func TestCompareIsReplicate(t *testing.T) {
	base := load(t, tool)
	vs, err := Variants(base, []string{"same=service.throttle.limit=5", "bucket=service.throttle.kind=token-bucket"})
	require.NoError(t, err)
	require.Len(t, vs, 3)
	one, err := Compare(vs, Options{Replications: 7, Workers: 1})
	require.NoError(t, err)
	three, err := Compare(vs, Options{Replications: 7, Workers: 3})
	require.NoError(t, err)
	for i, v := range vs {
		t.Run(v.Name, func(t *testing.T) {
			first, acc, err := Replicate(v.Scenario, Options{Replications: 7})
			require.NoError(t, err)
			assert.Equal(t, v.Name, one[i].Name)
			assert.Equal(t, first, one[i].First)
			assert.Equal(t, acc.Intervals(), one[i].Aggregate.Intervals())
			assert.Equal(t, one[i].Aggregate.Intervals(), three[i].Aggregate.Intervals())
		})
	}
	assert.Equal(t, one[0].Aggregate.Intervals(), one[1].Aggregate.Intervals(), "a variant that changes nothing gives the baseline's figures")
}

// TestCompareUsesCommonRandomNumbers: a variant that changes only the
// throttle sees the same requests at the same instants.
func TestCompareUsesCommonRandomNumbers(t *testing.T) {
	vs, err := Variants(load(t, tool), []string{"open=service.throttle.kind=none"})
	require.NoError(t, err)
	res, err := Compare(vs, Options{Replications: 5})
	require.NoError(t, err)
	assert.Equal(t, res[0].Aggregate.Interval("requests"), res[1].Aggregate.Interval("requests"))
	assert.Positive(t, res[0].Aggregate.Interval("throttled").Mean)
	assert.Zero(t, res[1].Aggregate.Interval("throttled").Mean)
}

func TestVariantsErrors(t *testing.T) {
	base := load(t, tool)
	tests := []struct {
		name  string
		specs []string
		want  string
	}{
		{"nothing", nil, "t.yaml: nothing to compare: give --variant or a variants: section"},
		{"no path", []string{"x"}, `--variant "x": want NAME=PATH=VALUE[,PATH=VALUE]`},
		{"bad value", []string{"x=service.throttle.kind=leaky"}, `--variant x: t.yaml: --set service.throttle.kind=leaky: service.throttle.kind: unknown throttle "leaky"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Variants(base, tc.specs)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

package experiment

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tool: requests every 20 minutes that never retry, against a sliding log
// of 5 in 2h.
const tool = `name: tool
start: 2025-01-06T00:00:00Z
horizon: 3d
seed: 4
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

package checktest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/scenario"
	"runsim/sim"
)

var _ TB = (*testing.T)(nil)
var _ TB = (testing.TB)(nil)

// recorder is a TB that keeps what a test would have been told.
type recorder struct {
	errors, fatals []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.fatals = append(r.fatals, fmt.Sprintf(format, args...))
}

const rule = "../../scenarios/rules/five-then-throttled.yaml"

func TestRequire(t *testing.T) {
	tests := []struct {
		name      string
		path      string
		overrides []string
		errors    []string // prefixes, in order
		fatal     string
	}{
		{name: "a rule that holds", path: rule},
		{name: "an override that breaks it", path: rule, overrides: []string{"service.throttle.limit=6"},
			errors: []string{
				rule + `: expectation "five starts are accepted": expected exactly 5 accepted events; got 6`,
				rule + `: expectation "the sixth is throttled until the first slot frees": `,
				rule + `: expectation "golden trace ../../scenarios/rules/five-then-throttled.trace": expected line 37 `,
			}},
		{name: "bad input stops the test", path: rule, overrides: []string{"service.throttle.limit=0"},
			fatal: "runsim: " + rule + ": --set service.throttle.limit=0: service.throttle.limit: must be at least 1, got 0"},
		{name: "a missing file stops the test", path: "missing.yaml",
			fatal: "runsim: missing.yaml: no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{}
			res := Require(r, tc.path, tc.overrides...)
			if tc.fatal != "" {
				assert.Equal(t, []string{tc.fatal}, r.fatals)
				assert.Nil(t, res)
				assert.Empty(t, r.errors)
				return
			}
			assert.Empty(t, r.fatals)
			require.NotNil(t, res)
			require.Len(t, r.errors, len(tc.errors), "%q", r.errors)
			for i, want := range tc.errors {
				assert.Truef(t, len(r.errors[i]) >= len(want) && r.errors[i][:len(want)] == want, "error %d: %q does not start with %q", i, r.errors[i], want)
			}
			assert.Equal(t, len(tc.errors) == 0, res.Passed())
		})
	}
}

func TestEvents(t *testing.T) {
	s, err := scenario.Parse("e.yaml", []byte(simtest.HourWindow))
	require.NoError(t, err)
	r := &recorder{}
	events, sum := Events(r, s)
	assert.Empty(t, r.fatals)
	arrived := 0
	for _, e := range events {
		if e.Kind == sim.RequestArrived {
			arrived++
		}
	}
	assert.Equal(t, 3, arrived)
	assert.Equal(t, sum.Requests, arrived)
	assert.Equal(t, 2.0, sum.OccupancyMax, "measured in the scenario's 1h window")
}

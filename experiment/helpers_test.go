package experiment

import (
	"testing"

	"github.com/stretchr/testify/require"

	"runsim/scenario"
)

// The fixtures the tests of this package share.

// load parses a scenario given as text.
func load(t *testing.T, text string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Parse("t.yaml", []byte(text))
	require.NoError(t, err)
	return s
}

// documented is the library's documented.yaml with overrides (--set).
func documented(t testing.TB, sets ...string) *scenario.Scenario {
	t.Helper()
	s, err := scenario.Load("../scenarios/documented.yaml", sets...)
	require.NoError(t, err)
	return s
}

// params parses the parameters of a sweep, one a spec.
func params(t testing.TB, specs ...string) []Param {
	t.Helper()
	ps := make([]Param, len(specs))
	for i, spec := range specs {
		p, err := ParseParam(spec)
		require.NoError(t, err)
		ps[i] = p
	}
	return ps
}

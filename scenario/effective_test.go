package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEffectiveYAML: the scenario as it runs reads back as the same
// scenario, and says which values the overrides set.
func TestEffectiveYAML(t *testing.T) {
	tests := []struct {
		name      string
		overrides []string
		comments  []string
	}{
		{name: "as written", comments: nil},
		{name: "a seed and a skip rule", overrides: []string{"seed=7", "service.skip.kind=none"},
			comments: []string{"seed: 7 # --set seed=7", "kind: none # --set service.skip.kind=none"}},
		{name: "a mapping and a list item by name",
			overrides: []string{"service.throttle={kind: token-bucket, limit: 5, window: 12h}", "clients.admin.arrivals.poisson.rate=2/h"},
			comments:  []string{"throttle: # --set service.throttle={kind: token-bucket, limit: 5, window: 12h}", "rate: 2/h # --set clients.admin.arrivals.poisson.rate=2/h"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Load("../scenarios/documented.yaml", tc.overrides...)
			require.NoError(t, err)
			y, err := s.EffectiveYAML()
			require.NoError(t, err)
			back, err := Parse("../scenarios/documented.yaml", y)
			require.NoError(t, err, "%s", y)
			assert.Equal(t, s.File, back.File)
			for _, c := range tc.comments {
				assert.Contains(t, string(y), c)
			}
			if tc.comments == nil {
				assert.NotContains(t, string(y), "#")
			}
		})
	}
}

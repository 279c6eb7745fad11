package scenario

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/policy"
)

// TestRefusalOption: service.throttle.refusal selects how a refused start
// is answered; 429 by default, written bare or quoted.
func TestRefusalOption(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       policy.Refusal
	}{
		{name: "default", yaml: good, want: policy.Refuse429},
		{name: "429 bare", yaml: replace(good, "window: 12h}", "window: 12h, refusal: 429}"), want: policy.Refuse429},
		{name: "429 quoted", yaml: replace(good, "window: 12h}", `window: 12h, refusal: "429"}`), want: policy.Refuse429},
		{name: "accepted then failed", yaml: replace(good, "window: 12h}", "window: 12h, refusal: accepted-then-failed}"), want: policy.AcceptThenFail},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("t.yaml", []byte(tc.yaml))
			require.NoError(t, err)
			cfg, err := s.Config()
			require.NoError(t, err)
			th, err := cfg.NewThrottle()
			require.NoError(t, err)
			assert.Equal(t, tc.want, th.Refusal)
		})
	}
	_, err := Parse("t.yaml", []byte(replace(good, "window: 12h}", "window: 12h, refusal: 202}")))
	assert.EqualError(t, err, `t.yaml:5:46: service.throttle.refusal: unknown refusal "202" (known: 429, accepted-then-failed)`)
}

package policy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRefusal: the reading of a refusal changes how it is answered, not
// what the throttle decides: at the same instants the verdicts are the
// same, and only the description says which answer is given.
func TestRefusal(t *testing.T) {
	tests := []struct {
		name    string
		refusal Refusal
		text    string
		says    string
	}{
		{name: "429", refusal: Refuse429, text: "429", says: "; Retry-After exact"},
		{name: "accepted then failed", refusal: AcceptThenFail, text: "accepted-then-failed",
			says: "; refused starts answered 202, their operation failed (no 429)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th, err := SlidingThrottle(1, 12*time.Hour)
			require.NoError(t, err)
			th.Refusal = tc.refusal
			assert.Equal(t, tc.text, tc.refusal.String())
			assert.Contains(t, th.String(), tc.says)

			assert.True(t, th.Check(t0).Allow)
			th.Attempt(t0)
			th.Started(t0, 1, true)
			v := th.Check(at(time.Hour))
			assert.Equal(t, Verdict{Allow: false, RetryAfter: 11 * time.Hour}, v)
		})
	}
	assert.Equal(t, "Refusal(9)", Refusal(9).String())
}

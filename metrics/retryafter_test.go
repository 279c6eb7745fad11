package metrics

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"runsim/internal/simtest"
	"runsim/policy"
	"runsim/sim"
)

// TestRetryAfterMean: five on-demand runs from 00:00 fill the documented
// window (5 successful runs in 12h) until 12:00, so a request at 00:50 is
// told to wait 11h10m and one at 01:00 11h; the scheduled run due at 02:00
// is skipped by the throttle, which is no answer to a client.
func TestRetryAfterMean(t *testing.T) {
	h, m := time.Hour, time.Minute
	short := sim.Scripted{{Duration: time.Minute, Status: sim.Completed}}
	tests := map[string]struct {
		cfg  sim.Config
		want time.Duration
	}{
		"two throttled answers": {
			cfg:  simtest.Documented(12*h, short, requestsAt(0, 10*m, 20*m, 30*m, 40*m, 50*m, h)),
			want: 11*h + 5*m,
		},
		"nothing throttled": {
			cfg:  simtest.Documented(12*h, short, requestsAt(0, 10*m)),
			want: 0,
		},
		"429s without Retry-After are not averaged in": {
			cfg: func() sim.Config {
				cfg := simtest.Documented(12*h, short, requestsAt(0, 10*m, 20*m, 30*m, 40*m, 50*m, h))
				cfg.NewThrottle = func() (*policy.Throttle, error) {
					l, err := policy.NewSlidingLog(5, 12*h)
					if err != nil {
						return nil, err
					}
					return policy.NewThrottle(l, policy.CountSuccessful, true, false)
				}
				return cfg
			}(),
			want: 0,
		},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			s := summarise(t, tc.cfg)
			v, ok := s.Metric("retry_after_mean")
			assert.True(t, ok)
			assert.Equal(t, tc.want.Seconds(), v)
		})
	}
	m0 := MustLookup("retry_after_mean")
	assert.Equal(t, "retry_after_mean_s", m0.Key())
	assert.Equal(t, "11h5m", m0.Format((11*h + 5*m).Seconds()))
	assert.Zero(t, m0.Value(Summary{Throttled: 3}), "a Summary not made by a Collector measured nothing")
}

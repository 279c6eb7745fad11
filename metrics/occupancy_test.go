package metrics

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"runsim/policy"
	"runsim/sim"
)

// throttle is a throttle over l counting counts, or err.
func throttle(l policy.Limiter, err error, counts policy.Counting) func() (*policy.Throttle, error) {
	return func() (*policy.Throttle, error) {
		if err != nil {
			return nil, err
		}
		return policy.NewThrottle(l, counts, true, true)
	}
}

// TestOccupancyFollowsTheReading: occupancy is the slots in use as the
// reading in force counts them, worked by hand. No window or limit is
// passed to the collector: it reads the engine's measurement events.
func TestOccupancyFollowsTheReading(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name      string
		horizon   time.Duration
		throttle  func() (*policy.Throttle, error)
		runs      sim.Scripted
		client    sim.Client
		mean, max float64
		limit     int
	}{
		{
			// 1 per 12h counting accepted starts; scheduled runs every hour,
			// all failing, throttled: 00:00 and 12:00 run, each holding its
			// slot for 12h though it failed. One slot all day.
			name: "sliding, counting accepted starts: failed runs keep their slot", horizon: 24 * h,
			throttle: func() (*policy.Throttle, error) {
				l, err := policy.NewSlidingLog(1, 12*h)
				return throttle(l, err, policy.CountAccepted)()
			},
			runs: sim.Scripted{{Duration: 10 * time.Minute, Status: sim.Failed}},
			mean: 1, max: 1, limit: 1,
		},
		{
			// 2 per 6h counting successful runs. 00:00 fails at 01:00 (slot
			// back after 1h); 01:00 and 02:00 complete; 03:00 is throttled.
			// 1 over [0, 2h), 2 over [2h, 7h), 1 over [7h, 8h): 13 slot·h
			// over 10h.
			name: "sliding, counting successful runs: a failure gives its slot back", horizon: 10 * h,
			throttle: func() (*policy.Throttle, error) {
				l, err := policy.NewSlidingLog(2, 6*h)
				return throttle(l, err, policy.CountSuccessful)()
			},
			runs:   sim.Scripted{{Duration: h, Status: sim.Failed}, {Duration: 10 * time.Minute, Status: sim.Completed}},
			client: requestsAt(0, h, 2*h, 3*h),
			mean:   1.3, max: 2, limit: 2,
		},
		{
			// 1 per aligned 12h window from 02:00: the 01:00 start holds the
			// window before 02:00 for 1h, the 03:00 start [02:00, 14:00)
			// for 11h; 04:00 is throttled. 12 slot·h over 15h.
			name: "fixed windows: a slot counts until its window ends", horizon: 15 * h,
			throttle: func() (*policy.Throttle, error) {
				l, err := policy.NewFixedWindow(1, 12*h, t0.Add(2*h))
				return throttle(l, err, policy.CountAccepted)()
			},
			runs:   sim.Scripted{{Duration: 10 * time.Minute, Status: sim.Completed}},
			client: requestsAt(h, 3*h, 4*h),
			mean:   0.8, max: 1, limit: 1,
		},
		{
			// 1 per 12h, burst 2: 00:00 spends a token (1 in use, falling
			// by 1/12 an hour); at 01:00 11/12 + 1 = 23/12 in use, back to
			// 0 at 24:00. ∫ = (1 - 1/24) + 23/12·23/2 = 23 slot·h over 24h.
			name: "token bucket: burst minus tokens, refilled continuously", horizon: 24 * h,
			throttle: func() (*policy.Throttle, error) {
				l, err := policy.NewTokenBucket(1, 12*h, 2)
				return throttle(l, err, policy.CountAccepted)()
			},
			runs:   sim.Scripted{{Duration: 10 * time.Minute, Status: sim.Completed}},
			client: requestsAt(0, h),
			mean:   23.0 / 24, max: 23.0 / 12, limit: 2,
		},
		{
			name: "no throttle: nothing in use", horizon: 24 * h,
			runs:   sim.Scripted{{Duration: 10 * time.Minute, Status: sim.Completed}},
			client: requestsAt(0, h, 2*h),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := sim.Config{Start: t0, End: t0.Add(tc.horizon), Seed: 1, NewThrottle: tc.throttle, Runs: &tc.runs}
			if tc.client.Arrivals != nil {
				cfg.Clients = []sim.Client{tc.client}
			} else {
				cfg.Schedule = policy.Every{Period: h, Anchor: t0}
			}
			s, tl := charted(t, cfg)
			assert.InDelta(t, tc.mean, s.OccupancyMean, 1e-9, "mean")
			assert.InDelta(t, tc.max, s.OccupancyMax, 1e-9, "max")
			assert.Equal(t, tc.limit, tl.Limit, "the chart's limit is the limiter's capacity")
			assert.InDelta(t, tc.max, tl.OccupancyMax(), 1e-9, "the chart's series reads the same events")
			top := 0.0
			for _, b := range tl.Occupancy().Buckets {
				top = max(top, b.Max)
			}
			assert.InDelta(t, tc.max, top, 1e-9, "the series reaches the max")
		})
	}
}

package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/policy"
)

// TestWarmupMeasurementHandWorked: the end of the warm-up is one more
// measurement instant, splitting the span across it. The timeline is
// TestSlotsChangedHandWorked's sliding log (2 per 12h) with a warm-up of
// 5h: 2 slots from 02:00 to 13:00 are measured as 3h (21600) before 05:00
// and 8h (57600) after.
func TestWarmupMeasurementHandWorked(t *testing.T) {
	cfg := givenBack()
	cfg.Warmup = 5 * time.Hour
	assert.Equal(t, []string{
		"0s taken slots=1 area=0", "1h given-back slots=0 area=3600", "1h taken slots=1 area=0",
		"2h taken slots=2 area=3600", "5h warmup slots=2 area=21600", "13h freed slots=1 area=57600",
		"14h freed slots=0 area=3600", "16h horizon slots=0 area=0",
	}, slotLines(run(t, cfg)))
}

// TestWarmupLeavesTheTraceAlone: a warm-up adds one measurement event at
// Start+Warmup and changes nothing else: the same trace events, and the
// same total area, whatever the limiter (a token bucket's level falls
// continuously between events). A warm-up past the end adds nothing.
func TestWarmupLeavesTheTraceAlone(t *testing.T) {
	bucket := throttleOf(func() (policy.Limiter, error) { return policy.NewTokenBucket(5, 12*time.Hour, 5) },
		policy.CountAccepted, policy.ScheduledThrottled)
	tests := []struct {
		name     string
		throttle func() (*policy.Throttle, error)
		warmup   time.Duration
		extra    int // measurement events added
	}{
		{name: "sliding log, 7h", throttle: sliding(5), warmup: 7 * time.Hour, extra: 1},
		{name: "token bucket, 7h30m", throttle: bucket, warmup: hm(7, 30), extra: 1},
		{name: "token bucket, past the end", throttle: bucket, warmup: 5 * 24 * time.Hour, extra: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := documented(3 * 24 * time.Hour)
			cfg.NewThrottle = tc.throttle
			cfg.Clients = []Client{{Name: "poller", Arrivals: Periodic{First: t0, Every: 50 * time.Minute},
				OnThrottle: Retry{Kind: AfterRetryAfter, MaxAttempts: 3}}}
			script := func() *Scripted { // a Scripted model is used up as it runs
				return &Scripted{{Duration: 50 * time.Minute, Status: Completed}, {Duration: 2 * time.Hour, Status: Failed}, {Duration: 3 * time.Hour, Status: Completed}}
			}
			cfg.Runs = script()
			plain := run(t, cfg)
			cfg.Runs, cfg.Warmup = script(), tc.warmup
			warm := run(t, cfg)
			assert.Equal(t, plain.events, warm.events)
			require.Len(t, warm.slots, len(plain.slots)+tc.extra)
			area := func(r *recorder) (sum float64) {
				for _, e := range r.slots {
					sum += e.Area
				}
				return sum
			}
			assert.InEpsilon(t, area(plain), area(warm), 1e-9)
			n := 0
			for _, e := range warm.slots {
				if e.Change == SlotWarmup {
					n++
					assert.Equal(t, t0.Add(tc.warmup), e.At)
				}
			}
			assert.Equal(t, tc.extra, n)
		})
	}
}

func TestNegativeWarmupIsRefused(t *testing.T) {
	cfg := documented(time.Hour)
	cfg.Warmup = -time.Second
	_, err := Run(cfg)
	assert.EqualError(t, err, "sim: Warmup must be at least 0")
}

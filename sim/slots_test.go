package sim

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/policy"
)

// givenBack is the sliding log of 2 successful runs per 12h over 16h
// without the schedule: admin asks at 00:00, 01:00, 02:00 and 03:00; run 1
// fails after an hour, and the runs after it take 10m and complete.
func givenBack() Config {
	cfg := onDemand(16*time.Hour, 10*time.Minute, 0, time.Hour, 2*time.Hour, 3*time.Hour)
	cfg.NewThrottle = sliding(2)
	cfg.Runs = &Scripted{{Duration: time.Hour, Status: Failed}, {Duration: 10 * time.Minute, Status: Completed}}
	return cfg
}

// TestSlotsChangedHandWorked: the measurement events of small timelines,
// worked by hand.
func TestSlotsChangedHandWorked(t *testing.T) {
	tests := []struct {
		name   string
		config func() Config
		want   []string
	}{
		{
			// Sliding log of 2 per 12h, counting successful runs. 00:00 run 1
			// (fails at 01:00: its slot comes back after 3600 slot·s); 01:00
			// run 2 and 02:00 run 3 complete; 03:00 is throttled. The 12:00
			// entry planned for run 1 finds nothing to free; run 2's slot
			// frees at 13:00 (2 slots for 11h: 79200), run 3's at 14:00.
			name:   "sliding log: taken, given back, freed by time, horizon",
			config: givenBack,
			want: []string{
				"0s taken slots=1 area=0", "1h given-back slots=0 area=3600", "1h taken slots=1 area=0",
				"2h taken slots=2 area=3600", "13h freed slots=1 area=79200", "14h freed slots=0 area=3600",
				"16h horizon slots=0 area=0",
			},
		},
		{
			// Fixed windows of 1 per 12h from 02:00: the 01:00 start holds
			// the window before 02:00; the 03:00 start holds [02:00, 14:00).
			name: "fixed windows: slots fall at the window's end",
			config: func() Config {
				cfg := onDemand(15*time.Hour, 10*time.Minute, time.Hour, 3*time.Hour)
				cfg.NewThrottle = throttleOf(func() (policy.Limiter, error) { return policy.NewFixedWindow(1, 12*time.Hour, at(2*time.Hour)) },
					policy.CountAccepted, policy.ScheduledThrottled)
				return cfg
			},
			want: []string{
				"1h taken slots=1 area=0", "2h freed slots=0 area=3600", "3h taken slots=1 area=0",
				"14h freed slots=0 area=39600", "15h horizon slots=0 area=0",
			},
		},
		{
			// Token bucket of 1 per 12h, burst 1; scheduled runs every 4h
			// count but are never refused. 00:00 spends the token; 04:00
			// goes into debt: 1 - 4/12 + 1 = 5/3 in use, after
			// ∫(1 - t/12h) over 4h = 12000 slot·s; the horizon at 08:00
			// finds 4/3, after 4h·(5/3 - 1/6) = 21600.
			name: "token bucket: forced into debt, falling linearly",
			config: func() Config {
				cfg := documented(8 * time.Hour)
				cfg.Schedule = policy.Every{Period: 4 * time.Hour, Anchor: t0}
				cfg.Skip = nil
				cfg.NewThrottle = throttleOf(func() (policy.Limiter, error) { return policy.NewTokenBucket(1, 12*time.Hour, 1) },
					policy.CountAccepted, policy.ScheduledCountedNeverRefused)
				cfg.Runs = &Scripted{{Duration: 10 * time.Minute, Status: Completed}}
				return cfg
			},
			want: []string{"0s forced slots=1 area=0", "4h forced slots=1.667 area=12000", "8h horizon slots=1.333 area=21600"},
		},
		{
			// Token bucket of 1 per 12h, burst 2, counting successful runs:
			// the 00:00 run fails at 01:00, but a spent token never comes
			// back, so nothing is given back; the token refills by 12:00
			// (∫ = 12h/2 = 21600).
			name: "token bucket: a failed run gives nothing back",
			config: func() Config {
				cfg := onDemand(13*time.Hour, time.Hour, 0)
				cfg.Runs = &Scripted{{Duration: time.Hour, Status: Failed}}
				cfg.NewThrottle = throttleOf(func() (policy.Limiter, error) { return policy.NewTokenBucket(1, 12*time.Hour, 2) },
					policy.CountSuccessful, policy.ScheduledThrottled)
				return cfg
			},
			want: []string{"0s taken slots=1 area=0", "12h freed slots=0 area=21600", "13h horizon slots=0 area=0"},
		},
		{
			// GCRA of 2 per 12h (one every 6h), burst 2: two starts at
			// 00:00 put TAT at 12:00; Taken falls to 1 at 06:00
			// (∫ = 6h·1.5 = 32400) and to 0 at 12:00 (6h·0.5 = 10800).
			name: "gcra: freed at each whole interval",
			config: func() Config {
				cfg := onDemand(13*time.Hour, 10*time.Minute, 0, 0)
				cfg.NewThrottle = throttleOf(func() (policy.Limiter, error) { return policy.NewGCRA(2, 12*time.Hour, 2) },
					policy.CountAccepted, policy.ScheduledThrottled)
				cfg.Overlap = policy.Overlap{OnDemand: policy.Concurrent}
				return cfg
			},
			want: []string{
				"0s taken slots=1 area=0", "0s taken slots=2 area=0", "6h freed slots=1 area=32400",
				"12h freed slots=0 area=10800", "13h horizon slots=0 area=0",
			},
		},
		{
			name: "no capacity: nothing is measured",
			config: func() Config {
				cfg := documented(13 * time.Hour)
				cfg.NewThrottle = throttleOf(func() (policy.Limiter, error) { return policy.Unlimited{}, nil },
					policy.CountAccepted, policy.ScheduledThrottled)
				cfg.Clients = []Client{admin(0, 5*time.Hour)}
				return cfg
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, slotLines(run(t, tc.config())))
		})
	}
}

// TestSlotsFollowTheCountedStarts: over random scenarios, counting
// accepted starts (so that every run that starts takes a slot when it
// starts), the slots of each SlotsChanged are the starts the window holds,
// counted from the trace alone, and each area is the previous slots times
// the time since. Token buckets and GCRA keep their capacity after every
// allowed start and measure no more area than a step would.
func TestSlotsFollowTheCountedStarts(t *testing.T) {
	anchor := at(90 * time.Minute)
	variants := []struct {
		name  string
		make  func() (policy.Limiter, error)
		holds func(starts []time.Time, t time.Time) int // -1: not a step function
	}{
		{"sliding", func() (policy.Limiter, error) { return policy.NewSlidingLog(limit, window) }, func(starts []time.Time, t time.Time) int {
			n := 0
			for _, s := range starts {
				if t.Sub(s) < window {
					n++
				}
			}
			return n
		}},
		{"fixed", func() (policy.Limiter, error) { return policy.NewFixedWindow(limit, window, anchor) }, func(starts []time.Time, t time.Time) int {
			k := func(t time.Time) int64 { return int64(math.Floor(float64(t.Sub(anchor)) / float64(window))) }
			n := 0
			for _, s := range starts {
				if k(s) == k(t) {
					n++
				}
			}
			return n
		}},
		{"token-bucket", func() (policy.Limiter, error) { return policy.NewTokenBucket(limit, window, limit) }, nil},
		{"gcra", func() (policy.Limiter, error) { return policy.NewGCRA(limit, window, limit) }, nil},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			measured := 0
			for seed := range uint64(100) {
				cfg := randomScenario(seed)
				cfg.NewThrottle = throttleOf(v.make, policy.CountAccepted, policy.ScheduledThrottled)
				var starts []time.Time
				prev := Event{At: cfg.Start}
				n := 0
				_, err := Run(cfg, ObserverFunc(func(e *Event) {
					switch {
					case e.Kind == RunStarted:
						starts = append(starts, e.At)
					case e.Kind == SlotsChanged:
						n++
						dt := e.At.Sub(prev.At).Seconds()
						if v.holds != nil {
							want := v.holds(starts, e.At)
							if e.Change == SlotTaken {
								want++ // the slot of the run about to start
							}
							require.Equal(t, float64(want), e.Slots, "seed %d: %s", seed, e)
							require.InDelta(t, prev.Slots*dt, e.Area, 1e-6, "seed %d: %s", seed, e)
						} else {
							require.LessOrEqual(t, e.Area, prev.Slots*dt+1e-6, "seed %d: %s", seed, e)
							require.GreaterOrEqual(t, e.Area, 0.0, "seed %d: %s", seed, e)
						}
						if e.Change == SlotTaken {
							require.LessOrEqual(t, e.Slots, float64(e.Capacity)+1e-9, "seed %d: %s", seed, e)
						}
						require.Equal(t, int32(limit), e.Capacity)
						prev = *e
					}
				}))
				require.NoError(t, err)
				require.Positive(t, n)
				require.Equal(t, SlotHorizon, prev.Change, "the last measurement is at the horizon")
				require.Equal(t, cfg.End, prev.At)
				measured += n
			}
			require.Greater(t, measured, 1000)
		})
	}
}

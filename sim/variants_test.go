package sim

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/policy"
)

// TestVariantTimelines are hand-worked timelines of the policy variants,
// each stated as the events of the kinds that matter to it.
func TestVariantTimelines(t *testing.T) {
	tests := []struct {
		name   string
		config func() Config
		kinds  []Kind
		want   []string
	}{
		{
			name: "buffer-one: a start during a run is accepted and waits; a second gets 409",
			config: func() Config {
				c := onDemand(6*time.Hour, 2*time.Hour, 0, time.Hour, hm(1, 30))
				c.Overlap.OnDemand = policy.BufferOne
				return c
			},
			kinds: []Kind{Accepted, Conflict, RunStarted},
			want: []string{"0s accepted admin r1 a1", "0s run-started run1 onDemand", "1h accepted admin r2 a1",
				"1h30m conflict admin r3 a1", "2h run-started run2 onDemand"},
		},
		{
			name: "buffer-all: every start during a run waits, in order",
			config: func() Config {
				c := onDemand(8*time.Hour, 2*time.Hour, 0, time.Hour, hm(1, 30))
				c.Overlap.OnDemand = policy.BufferAll
				return c
			},
			kinds: []Kind{Accepted, RunStarted},
			want: []string{"0s accepted admin r1 a1", "0s run-started run1 onDemand", "1h accepted admin r2 a1",
				"1h30m accepted admin r3 a1", "2h run-started run2 onDemand", "4h run-started run3 onDemand"},
		},
		{
			name: "delay-until-idle: the scheduled run waits and goes before a buffered on-demand start",
			config: func() Config {
				c := documented(8 * time.Hour)
				c.Skip = nil
				c.Overlap = policy.Overlap{OnDemand: policy.BufferAll, Scheduled: policy.DelayUntilIdle}
				c.Runs = &Scripted{{Duration: 2 * time.Hour, Status: Completed}}
				c.Clients = []Client{admin(hm(0, 30), hm(1, 0))}
				return c
			},
			kinds: []Kind{ScheduledDue, RunStarted},
			want: []string{"30m run-started run1 onDemand", "2h scheduled-due 2h", "2h30m run-started run3 scheduled",
				"4h30m run-started run2 onDemand"},
		},
		{
			name: "concurrent: a second on-demand run starts alongside the first",
			config: func() Config {
				c := onDemand(4*time.Hour, 2*time.Hour, 0, time.Hour)
				c.Overlap.OnDemand = policy.Concurrent
				return c
			},
			kinds: []Kind{RunStarted, RunFinished},
			want:  []string{"0s run-started run1 onDemand", "1h run-started run2 onDemand", "2h run-finished run1 onDemand completed", "3h run-finished run2 onDemand completed"},
		},
		{
			name: "re-anchor: the grid restarts at the on-demand run",
			config: func() Config {
				c := documented(30 * time.Hour)
				c.Skip = policy.Reanchor{}
				c.Clients = []Client{admin(5 * time.Hour)}
				return c
			},
			kinds: []Kind{ScheduledDue, RunStarted},
			want: []string{"2h scheduled-due 2h", "2h run-started run1 scheduled", "5h run-started run2 onDemand",
				"17h scheduled-due 17h", "17h run-started run3 scheduled", "1d5h scheduled-due 1d5h", "1d5h run-started run4 scheduled"},
		},
		{
			name: "all-within 24h: both scheduled runs of the next day are skipped",
			config: func() Config {
				c := documented(40 * time.Hour)
				c.Skip = policy.AllWithin{Lookahead: 24 * time.Hour}
				c.Clients = []Client{admin(5 * time.Hour)}
				return c
			},
			kinds: []Kind{ScheduledSkipped, RunStarted},
			want: []string{"2h run-started run1 scheduled", "5h run-started run2 onDemand", "14h scheduled-skipped 14h on-demand cause=5h",
				"1d2h scheduled-skipped 1d2h on-demand cause=5h", "1d14h run-started run3 scheduled"},
		},
		{
			name: "skip measured from the run start: a buffered start that waits past the lookahead skips nothing",
			config: func() Config {
				c := documented(20 * time.Hour)
				c.Skip = policy.NextWithin{Lookahead: 10 * time.Hour, RunStart: true}
				c.Overlap.OnDemand = policy.BufferOne
				c.Runs = &Scripted{{Duration: 3 * time.Hour, Status: Completed}}
				c.Clients = []Client{admin(3 * time.Hour)} // waits for the 02:00 run until 05:00; 14:00 is 9h later
				return c
			},
			kinds: []Kind{ScheduledSkipped, RunStarted},
			want:  []string{"2h run-started run1 scheduled", "5h run-started run2 onDemand", "14h scheduled-skipped 14h on-demand cause=5h"},
		},
		{
			name: "jitter: each scheduled run starts late, never past the next one",
			config: func() Config {
				c := documented(26 * time.Hour)
				c.Jitter = policy.Jitter{Max: 30 * time.Minute, Seed: 1}
				return c
			},
			kinds: []Kind{ScheduledDue},
			want: func() []string {
				j := policy.Jitter{Max: 30 * time.Minute, Seed: 1}
				var out []string
				for _, n := range []time.Duration{2 * time.Hour, 14 * time.Hour} {
					d := j.Delay(at(n), at(n+12*time.Hour))
					out = append(out, policy.FormatDuration(n+d)+" scheduled-due "+policy.FormatDuration(n))
				}
				return out
			}(),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, briefs(run(t, tc.config()), tc.kinds...))
		})
	}
}

func TestBackoffWithFullJitter(t *testing.T) {
	r := Retry{Kind: Backoff, Delay: time.Minute, Cap: 5 * time.Minute, MaxAttempts: 10}
	rng := rand.New(rand.NewPCG(1, 2))
	for attempt, ceiling := range map[int]time.Duration{1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 4: 5 * time.Minute, 9: 5 * time.Minute} {
		longest := time.Duration(0)
		for range 2000 {
			w := r.wait(attempt, 0, rng)
			require.GreaterOrEqual(t, w, time.Duration(0))
			require.Less(t, w, ceiling, "attempt %d", attempt)
			longest = max(longest, w)
		}
		assert.Greater(t, longest, ceiling*9/10, "attempt %d: full jitter reaches near the ceiling", attempt)
	}
	ra := Retry{Kind: AfterRetryAfter, Delay: time.Minute, Cap: time.Hour, MaxAttempts: 3}
	assert.Equal(t, 1500*time.Millisecond, ra.wait(1, 1500*time.Millisecond, rng), "fractional Retry-After honoured")
	assert.Less(t, ra.wait(1, 0, rng), time.Minute, "no Retry-After: backoff")
}

func TestPollsAreCounted(t *testing.T) {
	c := onDemand(6*time.Hour, 110*time.Minute, 0)
	c.Clients[0].Poll = 15 * time.Minute
	var polls []int
	for _, e := range run(t, c).of(OperationChanged) {
		if e.OpStatus == OpSucceeded {
			polls = append(polls, e.Polls)
		}
	}
	assert.Equal(t, []int{8}, polls, "polls at 15m, 30m, ... 120m; the 8th, after 110m, sees it finished")
}

func TestReanchorNeedsAMovableSchedule(t *testing.T) {
	c := documented(time.Hour)
	c.Schedule = policy.NewList([]time.Time{at(time.Hour)})
	c.Skip = policy.Reanchor{}
	_, err := Run(c)
	assert.EqualError(t, err, "sim: the re-anchor skip rule needs a schedule that can move (every)")
}

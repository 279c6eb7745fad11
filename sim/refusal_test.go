package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/policy"
)

// TestAcceptedThenFailed: the reading policy.AcceptThenFail at fixed
// instants. A sliding log of 1 per 12h, no schedule, 10-minute runs; the
// start at 00:00 is accepted, the one at 01:00 refused (the slot frees at
// 12:00: 11h). The refused start is answered with an operation that goes
// notStarted → failed at once and no run; a client that does not poll
// stops there; one that polls every 5m sees the failure at 01:05 and
// retries after its delay (no Retry-After reaches it), from that poll.
// Counting attempts, each refused attempt takes a slot (so the retry at
// 01:20 waits for the 01:00 attempt's slot: 11h40m, and 3 slots are in
// use until 12:00: 3·10h40m = 115200 slot·s); counting accepted starts, it
// takes none.
func TestAcceptedThenFailed(t *testing.T) {
	throttle := func(counts policy.Counting) func() (*policy.Throttle, error) {
		return func() (*policy.Throttle, error) {
			th, err := throttleOf(func() (policy.Limiter, error) { return policy.NewSlidingLog(1, 12*time.Hour) }, counts, policy.ScheduledThrottled)()
			if th != nil {
				th.Refusal = policy.AcceptThenFail
			}
			return th, err
		}
	}
	// polling asks at 00:00 and 01:00, polls every 5m and retries 429 as
	// onThrottle says.
	polling := func(onThrottle Retry) Client {
		c := admin(0, time.Hour)
		c.Poll = 5 * time.Minute
		c.OnThrottle = onThrottle
		return c
	}
	// Counting accepted starts, the refused start at 01:00 takes no slot,
	// and a client that does not retry it stops there, whether it polls or
	// not: the events and slots of the first two cases.
	unretried := []string{
		"0s request-arrived admin r1 a1", "0s accepted admin r1 a1", "0s operation-changed notStarted",
		"0s run-started run1 onDemand", "0s operation-changed running",
		"10m run-finished run1 onDemand completed", "10m operation-changed succeeded",
		"1h request-arrived admin r2 a1", "1h throttled admin r2 a1 retry-after=11h",
		"1h operation-changed notStarted", "1h operation-changed failed", "1h gave-up admin r2 a1",
	}
	unretriedSlots := []string{"0s taken slots=1 area=0", "12h freed slots=0 area=43200", "13h horizon slots=0 area=0"}
	tests := []struct {
		name   string
		counts policy.Counting
		client Client
		want   []string
		slots  []string
	}{
		{
			name:   "a client that does not poll never learns of it",
			counts: policy.CountAccepted,
			client: admin(0, time.Hour),
			want:   unretried,
			slots:  unretriedSlots,
		},
		{
			name:   "a kiota client retries 429 only: it polls, sees the failure and stops",
			counts: policy.CountAccepted,
			client: polling(KiotaHTTPGo()),
			want:   unretried,
			slots:  unretriedSlots,
		},
		{
			name:   "a client that polls retries after its delay, from the poll that saw it",
			counts: policy.CountAttempts,
			client: polling(Retry{Kind: AfterDelay, Delay: 15 * time.Minute, MaxAttempts: 2}),
			want: []string{
				"0s request-arrived admin r1 a1", "0s accepted admin r1 a1", "0s operation-changed notStarted",
				"0s run-started run1 onDemand", "0s operation-changed running",
				"10m run-finished run1 onDemand completed", "10m operation-changed succeeded",
				"1h request-arrived admin r2 a1", "1h throttled admin r2 a1 retry-after=11h",
				"1h operation-changed notStarted", "1h operation-changed failed",
				"1h retry-scheduled admin r2 a2 at 1h20m",
				"1h20m request-arrived admin r2 a2", "1h20m throttled admin r2 a2 retry-after=11h40m",
				"1h20m operation-changed notStarted", "1h20m operation-changed failed", "1h20m gave-up admin r2 a2",
			},
			slots: []string{"0s taken slots=1 area=0", "1h forced slots=2 area=3600", "1h20m forced slots=3 area=2400",
				"12h freed slots=2 area=115200"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := onDemand(13*time.Hour, 10*time.Minute)
			cfg.NewThrottle = throttle(tc.counts)
			cfg.Clients = []Client{tc.client}
			rec := run(t, cfg)
			var got []string
			for _, e := range rec.events {
				got = append(got, brief(e))
			}
			require.GreaterOrEqual(t, len(got), len(tc.want))
			assert.Equal(t, tc.want, got[:len(tc.want)])
			slots := slotLines(rec)
			assert.Equal(t, tc.slots, slots[:min(len(slots), len(tc.slots))])
			th := rec.of(Throttled)
			require.NotEmpty(t, th)
			assert.False(t, th[0].Operation.IsZero(), "the refused start was answered with an operation")
			assert.Len(t, rec.of(RunStarted), 1, "no run starts for a refused start")
			assert.Len(t, got, len(tc.want))
		})
	}
}

package metrics

import (
	"testing"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// heavyEvents records the events of the engine's benchmark load (bench/heavy.yaml,
// sim's BenchmarkEngine): on-demand requests at 100 an hour with retries,
// under the documented rules, for days of virtual time.
func heavyEvents(b *testing.B, days int) ([]sim.Event, sim.Config) {
	b.Helper()
	cfg := sim.Config{
		Start: t0, End: t0.Add(time.Duration(days) * 24 * time.Hour), Seed: 1,
		Schedule: policy.Every{Period: 12 * time.Hour, Anchor: t0.Add(2 * time.Hour)},
		NewThrottle: func() (*policy.Throttle, error) {
			return policy.SlidingThrottle(5, 12*time.Hour)
		},
		Skip: policy.NextWithin{Lookahead: 10 * time.Hour},
		Runs: sim.Drawn{
			Duration: sim.LogNormal{Median: 110 * time.Minute, Sigma: 0.3},
			Outcomes: []sim.Outcome{{Status: sim.Completed, P: 0.95}, {Status: sim.Failed, P: 0.05}},
		},
		Clients: []sim.Client{{
			Name:       "poller",
			Arrivals:   sim.Poisson{Rate: 100},
			OnThrottle: sim.Retry{Kind: sim.AfterRetryAfter, Delay: time.Minute, MaxAttempts: 3},
			OnConflict: sim.Retry{Kind: sim.AfterDelay, Delay: 15 * time.Minute, MaxAttempts: 3},
		}},
	}
	var events []sim.Event
	if _, err := sim.Run(cfg, sim.ObserverFunc(func(e *sim.Event) { events = append(events, *e) })); err != nil {
		b.Fatal(err)
	}
	return events, cfg
}

// BenchmarkCollector feeds a recorded stream of the heavy load to a new
// collector and summarises it, as every replication does; ns/event is the
// collector's cost per event. The two lengths differ only in the number of
// events: their allocs/op must be close, since the collector allocates
// nothing per event and keeps nothing per request.
func BenchmarkCollector(b *testing.B) {
	for _, days := range []int{7, 30} {
		b.Run(time.Duration(days*24*int(time.Hour)).String(), func(b *testing.B) {
			events, cfg := heavyEvents(b, days)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				c := NewCollector(cfg.Start, cfg.End)
				for i := range events {
					c.Observe(&events[i])
				}
				_ = c.Summary()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(events)), "ns/event")
			b.ReportMetric(float64(len(events)), "events/op")
		})
	}
}

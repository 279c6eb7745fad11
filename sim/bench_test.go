package sim

import (
	"testing"
	"time"

	"runsim/policy"
)

// heavy is the benchmark scenario: on-demand requests at 100 per hour for
// 10 simulated years, clients retrying after Retry-After and after
// conflicts, under the documented policies.
func heavy(years int) Config {
	cfg := documented(time.Duration(years) * 365 * 24 * time.Hour)
	cfg.Runs = Drawn{
		Duration: LogNormal{Median: 110 * time.Minute, Sigma: 0.3},
		Outcomes: []Outcome{{Completed, 0.95}, {Failed, 0.05}},
	}
	cfg.Clients = []Client{{
		Name:       "poller",
		Arrivals:   Poisson{Rate: 100},
		OnThrottle: Retry{Kind: AfterRetryAfter, Delay: time.Minute, MaxAttempts: 3},
		OnConflict: Retry{Kind: AfterDelay, Delay: 15 * time.Minute, MaxAttempts: 3},
	}}
	return cfg
}

type counter struct{ n [numKinds]uint64 }

func (c *counter) Observe(e *Event) { c.n[e.Kind]++ }

// measure runs cfg once per iteration and reports events per second of
// engine time and events per run; allocs/op is per whole run.
func measure(b *testing.B, cfg Config) {
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		res, err := Run(cfg, &counter{})
		if err != nil {
			b.Fatal(err)
		}
		events += res.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}

// BenchmarkEngine runs the heavy scenario for 10 simulated years.
func BenchmarkEngine(b *testing.B) { measure(b, heavy(10)) }

// BenchmarkEngineSteadyState measures allocations per event: the engine is
// run for 1 and for 10 years and the difference in allocations must be zero.
func BenchmarkEngineSteadyState(b *testing.B) {
	for _, years := range []int{1, 10} {
		b.Run(time.Duration(years*365*24*int(time.Hour)).String(), func(b *testing.B) {
			cfg := heavy(years)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Run(cfg, &counter{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEngineThrottles runs the heavy scenario under each throttle
// variant and reports events per second; none may fall below half of the
// sliding log's.
func BenchmarkEngineThrottles(b *testing.B) {
	variants := []struct {
		name string
		make func() (policy.Limiter, error)
	}{
		{"sliding", func() (policy.Limiter, error) { return policy.NewSlidingLog(5, 12*time.Hour) }},
		{"fixed", func() (policy.Limiter, error) { return policy.NewFixedWindow(5, 12*time.Hour, t0) }},
		{"token-bucket", func() (policy.Limiter, error) { return policy.NewTokenBucket(5, 12*time.Hour, 5) }},
		{"gcra", func() (policy.Limiter, error) { return policy.NewGCRA(5, 12*time.Hour, 5) }},
		{"none", func() (policy.Limiter, error) { return policy.Unlimited{}, nil }},
	}
	for _, v := range variants {
		b.Run(v.name, func(b *testing.B) {
			cfg := heavy(10)
			cfg.NewThrottle = func() (*policy.Throttle, error) {
				l, err := v.make()
				if err != nil {
					return nil, err
				}
				return policy.NewThrottle(l, policy.CountSuccessful, true, true)
			}
			measure(b, cfg)
		})
	}
}

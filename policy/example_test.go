package policy_test

import (
	"fmt"
	"time"

	"runsim/policy"
)

// The documented throttle: five runs fill the 12 h window; the sixth start is
// refused with the exact time until the first run's slot frees.
func ExampleThrottle() {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	log, _ := policy.NewSlidingLog(5, 12*time.Hour)
	throttle, _ := policy.NewThrottle(log, policy.CountSuccessful, true, true)
	for run := uint64(1); run <= 5; run++ {
		throttle.Started(t0.Add(time.Duration(run)*time.Hour), run, false)
	}
	fmt.Println(throttle.Check(t0.Add(6 * time.Hour)))
	throttle.Finished(t0.Add(7*time.Hour), 3, false) // run 3 failed: its slot comes back
	fmt.Println(throttle.Check(t0.Add(7 * time.Hour)))
	// Output:
	// {false 7h0m0s}
	// {true 0s}
}

// The documented skip rule at its boundary.
func ExampleNextWithin() {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	rule := policy.NextWithin{Lookahead: 10 * time.Hour}
	scheduled := t0.Add(14 * time.Hour)
	fmt.Println(rule.OnDemand(t0.Add(4*time.Hour), scheduled).Through)
	fmt.Println(rule.OnDemand(t0.Add(4*time.Hour-time.Second), scheduled).Through.IsZero())
	// Output:
	// 2025-01-06 14:00:00 +0000 UTC
	// true
}

// Each limiter says, in its own meaning, how many slots it holds, when they
// fall by themselves, and what its throttle promises. A token bucket's slots
// are its missing tokens: they come back continuously.
func ExampleLimiter_taken() {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	log, _ := policy.NewSlidingLog(2, 12*time.Hour)
	bucket, _ := policy.NewTokenBucket(2, 12*time.Hour, 2)
	for _, l := range []policy.Limiter{log, bucket} {
		l.Take(t0, 1)
		l.Take(t0.Add(time.Hour), 2)
		at := t0.Add(3 * time.Hour)
		fmt.Printf("%.2f in use, falls at %s, %.0f slot·s since 01:00\n",
			l.Taken(at), l.NextFall(at).Format("15:04"), l.Integral(t0.Add(time.Hour), at))
	}
	th, _ := policy.NewThrottle(log, policy.CountAccepted, true, true)
	fmt.Println(th.Promise().Text)
	th.Scheduled = policy.ScheduledCountedNeverRefused
	fmt.Println(th.Promise().Holds())
	// Output:
	// 2.00 in use, falls at 12:00, 14400 slot·s since 01:00
	// 1.50 in use, falls at 06:00, 12000 slot·s since 01:00
	// at most 2 counted starts in any 12h
	// false
}

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

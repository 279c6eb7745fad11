package simtest_test

import (
	"fmt"
	"time"

	"runsim/internal/simtest"
	"runsim/sim"
)

// The documented rules over a day with runs of an hour that all complete.
func ExampleDocumented() {
	cfg := simtest.Documented(24*time.Hour, sim.Scripted{{Duration: time.Hour, Status: sim.Completed}})
	res, err := sim.Run(cfg)
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.Start.Format(time.RFC3339), res.Events, "events")
	// Output: 2025-01-06T00:00:00Z 6 events
}

// The head of a scenario text, and the 1h-window scenario built on it.
func ExampleScenario() {
	fmt.Print(simtest.Scenario("nightly", "1d"))
	fmt.Print(simtest.HourWindow[:len(simtest.Scenario("w", "4h"))])
	// Output:
	// name: nightly
	// start: 2025-01-06T00:00:00Z
	// horizon: 1d
	// name: w
	// start: 2025-01-06T00:00:00Z
	// horizon: 4h
}

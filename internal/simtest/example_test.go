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

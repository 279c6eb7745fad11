package metrics_test

import (
	"fmt"
	"time"

	"runsim/metrics"
	"runsim/policy"
	"runsim/sim"
)

// Collect the summary of two days of the documented schedule alone.
func ExampleCollector() {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	cfg := sim.Config{
		Start: t0, End: t0.Add(48 * time.Hour),
		Schedule: policy.Every{Period: 12 * time.Hour, Anchor: t0.Add(2 * time.Hour)},
		Runs:     sim.Drawn{Duration: sim.Constant(110 * time.Minute), Outcomes: []sim.Outcome{{Status: sim.Completed, P: 1}}},
	}
	c := metrics.NewCollector(cfg.Start, cfg.End)
	if _, err := sim.Run(cfg, c); err != nil {
		fmt.Println(err)
		return
	}
	s := c.Summary()
	fmt.Println("runs:", s.RunsStarted, "succeeded:", s.RunsSucceeded)
	fmt.Println("freshness max:", s.Freshness.Max, "mean:", s.Freshness.Mean.Round(time.Minute))
	// Output:
	// runs: 4 succeeded: 4
	// freshness max: 12h0m0s mean: 5h21m0s
}

// Every figure is declared once; outputs ask the table for its key, its
// unit and how to write it for people.
func ExampleLookup() {
	m, err := metrics.Lookup("freshness_p95")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := metrics.Summary{Freshness: metrics.Freshness{P95: 3*time.Hour + 25*time.Minute}}
	fmt.Println(m.Kind, m.Key(), m.Value(s), m.Format(m.Value(s)))
	_, err = metrics.Lookup("happiness")
	fmt.Println(err != nil)
	// Output:
	// duration freshness_p95_s 12300 3h25m
	// true
}

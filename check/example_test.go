package check_test

import (
	"fmt"

	"runsim/check"
	"runsim/scenario"
)

// Check a scenario and look at each check; a Go test would rather call
// checktest.RequireScenario(t, s).
func ExampleRun() {
	s, err := scenario.Parse("example.yaml", []byte(`
name: example
start: 2025-01-06T00:00:00Z
horizon: 1d
service:
  schedule: {every: 12h, anchor: 2025-01-06T02:00:00Z}
  run: {duration: {dist: constant, value: 1h}, outcomes: {completed: 1}}
clients:
  - {name: admin, arrivals: {at: [5h]}}
expect:
  - {name: the 14:00 run is skipped, scheduled: 14h, outcome: skipped, reason: on-demand}
  - {name: the 02:00 run is skipped, scheduled: 2h, outcome: skipped}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := check.Run(s, check.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range res.Checks {
		fmt.Printf("%s: passed %v\n", c.Name, c.Failure == nil)
	}
	fmt.Println(res.Failures()[0].Got)
	// Output:
	// the 14:00 run is skipped: passed true
	// the 02:00 run is skipped: passed false
	// ran
}

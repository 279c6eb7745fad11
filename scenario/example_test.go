package scenario_test

import (
	"fmt"

	"runsim/scenario"
)

// Load a scenario with an override, and see how a bad one is refused.
func ExampleLoad() {
	s, err := scenario.Load("../scenarios/documented.yaml", "service.throttle.limit=6")
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg, err := s.Config()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.File.Name, s.File.Service.Throttle.Limit, cfg.End)

	_, err = scenario.Parse("bad.yaml", []byte("start: 2025-01-06T00:00:00Z\nhorizon: 2 weeks\n"))
	fmt.Println(err)
	// Output:
	// documented 6 2025-01-20 00:00:00 +0000 UTC
	// bad.yaml:2:10: horizon: bad duration "2 weeks": want a number and a unit (ms, s, m, h, d, w, y), e.g. 90m, 12h, 14d or 1h30m
}

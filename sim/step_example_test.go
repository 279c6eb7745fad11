package sim_test

import (
	"fmt"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// A client outside the engine asks for runs an hour apart; the sixth is
// throttled until the first of the five slots frees, 7 hours later.
func ExampleEngine() {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	cfg := sim.Config{
		Start: t0,
		End:   t0.Add(24 * time.Hour),
		Seed:  1,
		NewThrottle: func() (*policy.Throttle, error) {
			return policy.SlidingThrottle(5, 12*time.Hour)
		},
		Runs:    sim.Drawn{Duration: sim.Constant(10 * time.Minute), Outcomes: []sim.Outcome{{Status: sim.Completed, P: 1}}},
		Clients: []sim.Client{{Name: "app", Arrivals: sim.At{}}},
	}
	g, err := sim.New(cfg)
	if err != nil {
		fmt.Println(err)
		return
	}
	for h := range 6 {
		if err := g.AdvanceTo(t0.Add(time.Duration(h) * time.Hour)); err != nil {
			fmt.Println(err)
			return
		}
		a, _ := g.Request("app")
		fmt.Println(g.Now().Format("15:04"), a.Kind, a.RetryAfter)
	}
	// Output:
	// 00:00 accepted 0s
	// 01:00 accepted 0s
	// 02:00 accepted 0s
	// 03:00 accepted 0s
	// 04:00 accepted 0s
	// 05:00 throttled 7h0m0s
}

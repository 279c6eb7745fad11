package sim_test

import (
	"fmt"
	"os"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// t0 is the instant the examples start at: Monday 2025-01-06 00:00 UTC.
var t0 = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// An admin asks for a run at 05:00; the documented rule skips the 14:00
// scheduled run because it is due within 10 hours.
func ExampleRun() {
	cfg := sim.Config{
		Start:    t0,
		End:      t0.Add(15 * time.Hour),
		Seed:     1,
		Schedule: policy.Every{Period: 12 * time.Hour, Anchor: t0.Add(2 * time.Hour)},
		NewThrottle: func() (*policy.Throttle, error) {
			return policy.SlidingThrottle(5, 12*time.Hour)
		},
		Skip:    policy.NextWithin{Lookahead: 10 * time.Hour},
		Runs:    sim.Drawn{Duration: sim.Constant(110 * time.Minute), Outcomes: []sim.Outcome{{Status: sim.Completed, P: 1}}},
		Clients: []sim.Client{{Name: "admin", Arrivals: sim.At{t0.Add(5 * time.Hour)}}},
	}
	trace := sim.NewTraceWriter(os.Stdout, sim.TraceText)
	if _, err := sim.Run(cfg, trace); err != nil {
		fmt.Println(err)
	}
	trace.Flush()
	// Output:
	// 2025-01-06T02:00:00Z scheduled-due nominal=2025-01-06T02:00:00Z
	// 2025-01-06T02:00:00Z run-started run=1 trigger=scheduled nominal=2025-01-06T02:00:00Z
	// 2025-01-06T03:50:00Z run-finished run=1 trigger=scheduled status=completed
	// 2025-01-06T05:00:00Z request-arrived client=admin request=1 attempt=1
	// 2025-01-06T05:00:00Z accepted client=admin request=1 attempt=1 operation=e9fd6049-d65a-f21e-9758-35de1c9756ce location=/external/industryData/operations/e9fd6049-d65a-f21e-9758-35de1c9756ce
	// 2025-01-06T05:00:00Z operation-changed client=admin operation=e9fd6049-d65a-f21e-9758-35de1c9756ce status=notStarted
	// 2025-01-06T05:00:00Z run-started run=2 trigger=onDemand operation=e9fd6049-d65a-f21e-9758-35de1c9756ce
	// 2025-01-06T05:00:00Z operation-changed client=admin operation=e9fd6049-d65a-f21e-9758-35de1c9756ce status=running
	// 2025-01-06T06:50:00Z run-finished run=2 trigger=onDemand operation=e9fd6049-d65a-f21e-9758-35de1c9756ce status=completed
	// 2025-01-06T06:50:00Z operation-changed client=admin operation=e9fd6049-d65a-f21e-9758-35de1c9756ce status=succeeded
	// 2025-01-06T14:00:00Z scheduled-due nominal=2025-01-06T14:00:00Z
	// 2025-01-06T14:00:00Z scheduled-skipped nominal=2025-01-06T14:00:00Z reason=on-demand cause=2025-01-06T05:00:00Z
}

// Measurement events are for observers, not traces: hourly starts
// under a sliding log of 2 per 12h (the 02:00 one is throttled), each
// accepted start holding its slot for 12 hours.
func ExampleSlotsChanged() {
	cfg := sim.Config{
		Start: t0, End: t0.Add(14 * time.Hour), Seed: 1,
		NewThrottle: func() (*policy.Throttle, error) { return policy.SlidingThrottle(2, 12*time.Hour) },
		Runs:        sim.Drawn{Duration: sim.Constant(10 * time.Minute), Outcomes: []sim.Outcome{{Status: sim.Completed, P: 1}}},
		Clients:     []sim.Client{{Name: "admin", Arrivals: sim.At{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour)}}},
	}
	_, err := sim.Run(cfg, sim.ObserverFunc(func(e *sim.Event) {
		if e.Kind == sim.SlotsChanged {
			fmt.Println(e)
		}
	}))
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// 2025-01-06T00:00:00Z slots-changed change=taken slots=1 capacity=2 area_s=0
	// 2025-01-06T01:00:00Z slots-changed change=taken slots=2 capacity=2 area_s=3600
	// 2025-01-06T12:00:00Z slots-changed change=freed slots=1 capacity=2 area_s=79200
	// 2025-01-06T13:00:00Z slots-changed change=freed slots=0 capacity=2 area_s=3600
	// 2025-01-06T14:00:00Z slots-changed change=horizon slots=0 capacity=2 area_s=0
}

// A client outside the engine asks for runs an hour apart; the sixth is
// throttled until the first of the five slots frees, 7 hours later.
func ExampleEngine() {
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

// Package simtest holds the fixtures that the tests of several packages
// share, so that each is written once: the fixed instant of worked
// examples, the documented rules as an engine configuration with scripted
// runs, and the scenario of the bug report on the throttle-window
// invariant.
package simtest

import (
	"time"

	"runsim/policy"
	"runsim/sim"
)

// T0 is the instant worked examples hang off: Monday 2025-01-06 00:00 UTC.
var T0 = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// Documented is the documented rules over [T0, T0+horizon): a run every
// 12h from 02:00, a sliding log of 5 successful runs per 12h, the
// next-within-10h skip rule; runs as scripted; seed 1.
func Documented(horizon time.Duration, runs sim.Scripted, clients ...sim.Client) sim.Config {
	return sim.Config{
		Start: T0, End: T0.Add(horizon), Seed: 1,
		Schedule: policy.Every{Period: 12 * time.Hour, Anchor: T0.Add(2 * time.Hour)},
		NewThrottle: func() (*policy.Throttle, error) {
			return policy.SlidingThrottle(5, 12*time.Hour)
		},
		Skip:    policy.NextWithin{Lookahead: 10 * time.Hour},
		Runs:    &runs,
		Clients: clients,
	}
}

// BlindInvariant is the scenario of the bug report: 24 counted runs start
// in one day under a limit of 1 per 12h, because hourly scheduled runs,
// all failing, count but are never refused. Its expectation must not
// pass: the reading promises nothing.
const BlindInvariant = `name: blind-invariant
start: 2025-01-06T00:00:00Z
horizon: 1d
service:
  schedule: {kind: every, every: 1h}
  throttle: {kind: sliding, limit: 1, window: 12h, counts: accepted, scheduled: counted}
  run: {duration: {dist: constant, value: 10m}, outcomes: {failed: 1}}
expect:
  - {name: the window never holds more than one, invariant: throttle-window}
`

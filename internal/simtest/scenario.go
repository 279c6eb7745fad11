package simtest

import "time"

// Scenario is the head every scenario text of the tests starts with: its
// name, its start at T0 and its horizon as a scenario writes it ("1d",
// "4h"). A test appends the sections it is about.
func Scenario(name, horizon string) string {
	return "name: " + name + "\nstart: " + T0.Format(time.RFC3339) + "\nhorizon: " + horizon + "\n"
}

// HourWindow is a scenario of 4h with starts at 00:00, 00:30 and 02:00
// against a sliding window of 1h (never more than 2 in the window; a 12h
// window would count 3), nothing scheduled, 10 minute runs that complete.
// It has no expectations: a test appends an expect section if it wants one.
var HourWindow = Scenario("w", "4h") + `service:
  schedule: {kind: none}
  throttle: {window: 1h}
  run: {duration: {dist: constant, value: 10m}, outcomes: {completed: 1}}
clients:
  - {name: a, arrivals: {at: [0s, 30m, 2h]}}
`

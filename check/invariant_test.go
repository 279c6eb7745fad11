package check

import (
	"runsim/internal/simtest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/policy"
	"runsim/sim"
)

// blindInvariant is the scenario of the bug report.
const blindInvariant = simtest.BlindInvariant

// TestThrottleWindowAsksThePolicy: the throttle-window invariant holds the
// run to the promise of the reading in force, and fails, saying so, where
// the reading promises nothing.
func TestThrottleWindowAsksThePolicy(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		pass     bool
		expected string // of the failure
		got      string // of the failure
	}{
		{
			name: "bug report: scheduled runs counted but never refused make no promise",
			yaml: blindInvariant, expected: "no throttle window holds more counted runs than the limit",
			got: "nothing the run can be held to: the throttle's reading in force makes no promise: scheduled runs count " +
				"toward the throttle but are never refused (scheduled: counted), so they can fill a window past its capacity",
		},
		{
			name: "the same with scheduled runs throttled: the engine keeps the promise",
			yaml: strings.Replace(blindInvariant, "scheduled: counted", "scheduled: throttled", 1), pass: true,
		},
		{
			name:     "kind none promises nothing",
			yaml:     strings.Replace(blindInvariant, "{kind: sliding, limit: 1, window: 12h, counts: accepted, scheduled: counted}", "{kind: none}", 1),
			expected: "no throttle window holds more counted runs than the limit",
			got:      "nothing the run can be held to: the throttle's reading in force makes no promise: the throttle never refuses (none: starts are never throttled)",
		},
		{
			name:     "successful runs counted when they complete make no promise",
			yaml:     strings.Replace(blindInvariant, "counts: accepted, scheduled: counted", "counts: successful, reserve: false", 1),
			expected: "no throttle window holds more counted runs than the limit",
			got: "nothing the run can be held to: the throttle's reading in force makes no promise: runs in progress hold no slot " +
				"(reserve: false), so runs started while others run can complete past the capacity",
		},
		{
			name: "token bucket, attempts counted: refused attempts fill the bucket, accepted starts keep the bound",
			yaml: strings.Replace(blindInvariant, "{kind: sliding, limit: 1, window: 12h, counts: accepted, scheduled: counted}",
				"{kind: token-bucket, limit: 2, window: 12h, counts: attempts}", 1) +
				"clients:\n  - {name: a, arrivals: {periodic: {every: 20m}}}\n",
			pass: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runYAML(t, tc.yaml)
			if tc.pass {
				assert.True(t, res.Passed(), "%v", res.Failures())
				return
			}
			require.Len(t, res.Failures(), 1)
			f := res.Failures()[0]
			assert.Equal(t, tc.expected, f.Expected)
			assert.Equal(t, tc.got, f.Got)
		})
	}
}

// TestThrottleWindowBreach feeds the invariant a synthetic event stream in
// which the slots in use exceed the promised capacity right after an
// allowed start: it fails, with the events around the breach as context
// (measurement events are not trace lines: only the breach itself is
// shown among them).
func TestThrottleWindowBreach(t *testing.T) {
	t0 := time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)
	promise := policy.Promise{Capacity: 1, Text: "at most 1 counted starts in any 12h"}
	w := &windowInvariant{promise: promise, expected: "unused",
		fail: func(expected string) *Failure { return &Failure{Expectation: "w", Expected: expected, Seed: 7} }}
	ring := &recent{}
	stream := []sim.Event{
		{At: t0, Kind: sim.RequestArrived, Client: "a", Request: 1, Attempt: 1},
		{At: t0, Kind: sim.SlotsChanged, Change: sim.SlotTaken, Capacity: 1, Slots: 1},
		{At: t0, Kind: sim.RunStarted, Run: 1, Trigger: policy.OnDemand},
		{At: t0.Add(time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 2, Attempt: 1},
		{At: t0.Add(time.Hour), Kind: sim.SlotsChanged, Change: sim.SlotForced, Capacity: 1, Slots: 2, Area: 3600},
		{At: t0.Add(2 * time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 3, Attempt: 1},
		{At: t0.Add(2 * time.Hour), Kind: sim.SlotsChanged, Change: sim.SlotTaken, Capacity: 1, Slots: 3, Area: 7200},
		{At: t0.Add(2 * time.Hour), Kind: sim.RunStarted, Run: 3, Trigger: policy.OnDemand},
		{At: t0.Add(3 * time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 4, Attempt: 1},
		{At: t0.Add(4 * time.Hour), Kind: sim.SlotsChanged, Change: sim.SlotTaken, Capacity: 1, Slots: 4, Area: 10800},
		{At: t0.Add(4 * time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 5, Attempt: 1},
		{At: t0.Add(5 * time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 6, Attempt: 1},
	}
	for i := range stream {
		w.observe(&stream[i], ring)
		ring.push(&stream[i])
	}
	f := w.finish(ring)
	require.NotNil(t, f, "3 slots in use after an allowed start, capacity 1")
	assert.Equal(t, "the throttle to keep the promise of its reading: at most 1 counted starts in any 12h", f.Expected)
	assert.Equal(t, "3 slots in use at 2025-01-06T02:00:00Z right after a start the throttle allowed, above the 1 it promises", f.Got,
		"the forced slot at 01:00 is no breach; the first allowed one over the capacity is")
	assert.Equal(t, []string{
		"  2025-01-06T00:00:00Z request-arrived client=a request=1 attempt=1",
		"  2025-01-06T00:00:00Z run-started run=1 trigger=onDemand",
		"  2025-01-06T01:00:00Z request-arrived client=a request=2 attempt=1",
		"  2025-01-06T02:00:00Z request-arrived client=a request=3 attempt=1",
		"> 2025-01-06T02:00:00Z slots-changed change=taken slots=3 capacity=1 area_s=7200",
		"  2025-01-06T02:00:00Z run-started run=3 trigger=onDemand",
		"  2025-01-06T03:00:00Z request-arrived client=a request=4 attempt=1",
		"  2025-01-06T04:00:00Z request-arrived client=a request=5 attempt=1",
	}, f.Context)

	// The same stream within the capacity passes.
	ok := &windowInvariant{promise: policy.Promise{Capacity: 4, Text: "at most 4"}, fail: w.fail}
	ring = &recent{}
	for i := range stream {
		ok.observe(&stream[i], ring)
		ring.push(&stream[i])
	}
	assert.Nil(t, ok.finish(ring))
}

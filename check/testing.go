package check

import (
	"runsim/metrics"
	"testing"

	"runsim/experiment"
	"runsim/scenario"
	"runsim/sim"
)

// Require checks the scenario file at path, with overrides, from a Go test:
// bad input stops the test, and each expectation that does not hold fails
// it with the same message runsim check prints.
func Require(t testing.TB, path string, overrides ...string) *Result {
	t.Helper()
	s, err := scenario.Load(path, overrides...)
	if err != nil {
		t.Fatalf("runsim: %v", err)
	}
	return RequireScenario(t, s)
}

// RequireScenario is Require for a scenario already loaded, or built in Go
// with scenario.Build.
func RequireScenario(t testing.TB, s *scenario.Scenario) *Result {
	t.Helper()
	res, err := Run(s, Options{})
	if err != nil {
		t.Fatalf("runsim: %v", err)
	}
	for _, f := range res.Failures() {
		t.Errorf("%s: %v", s.Path, f)
	}
	return res
}

// Events runs the first replication of a scenario and returns every event
// and the summary, for assertions of a test's own. It stores the whole
// trace: keep the horizon modest.
func Events(t testing.TB, s *scenario.Scenario) ([]sim.Event, metrics.Summary) {
	t.Helper()
	var events []sim.Event
	sum, err := experiment.RunOnce(s, s.File.Seed, sim.ObserverFunc(func(e *sim.Event) { events = append(events, *e) }))
	if err != nil {
		t.Fatalf("runsim: %v", err)
	}
	return events, sum
}

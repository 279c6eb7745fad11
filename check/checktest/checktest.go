package checktest

import (
	"runsim/check"
	"runsim/experiment"
	"runsim/metrics"
	"runsim/scenario"
	"runsim/sim"
)

// TB is the part of testing.TB that checktest uses; *testing.T, *testing.B
// and *testing.F satisfy it.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// Require checks the scenario file at path, with overrides, from a Go test:
// bad input stops the test, and each expectation that does not hold fails
// it with the same message runsim check prints. It returns nil when the
// test was stopped.
func Require(t TB, path string, overrides ...string) *check.Result {
	t.Helper()
	s, err := scenario.Load(path, overrides...)
	if err != nil {
		t.Fatalf("runsim: %v", err)
		return nil
	}
	return RequireScenario(t, s)
}

// RequireScenario is Require for a scenario already loaded, or built in Go
// with scenario.Build.
func RequireScenario(t TB, s *scenario.Scenario) *check.Result {
	t.Helper()
	res, err := check.Run(s, check.Options{})
	if err != nil {
		t.Fatalf("runsim: %v", err)
		return nil
	}
	for _, f := range res.Failures() {
		t.Errorf("%s: %v", s.Path, f)
	}
	return res
}

// Events runs the first replication of a scenario and returns every event
// and the summary, for assertions of a test's own. It stores the whole
// trace: keep the horizon modest.
func Events(t TB, s *scenario.Scenario) ([]sim.Event, metrics.Summary) {
	t.Helper()
	var events []sim.Event
	sum, err := experiment.RunOnce(s, s.File.Seed, sim.ObserverFunc(func(e *sim.Event) { events = append(events, *e) }))
	if err != nil {
		t.Fatalf("runsim: %v", err)
		return nil, metrics.Summary{}
	}
	return events, sum
}

package checktest_test

import (
	"fmt"

	"runsim/check/checktest"
	"runsim/scenario"
)

// printer stands in for the *testing.T of a real test.
type printer struct{}

func (printer) Helper()                           {}
func (printer) Errorf(format string, args ...any) { fmt.Printf("FAIL: "+format+"\n", args...) }
func (printer) Fatalf(format string, args ...any) { fmt.Printf("STOP: "+format+"\n", args...) }

// In a test, pass t: func TestNightly(t *testing.T) { checktest.RequireScenario(t, s) }.
func ExampleRequireScenario() {
	s, err := scenario.Parse("nightly.yaml", []byte(`
name: nightly
start: 2025-01-06T00:00:00Z
horizon: 1d
service:
  schedule: {kind: none}
  run: {duration: {dist: constant, value: 10m}, outcomes: {completed: 1}}
clients:
  - {name: nightly, arrivals: {at: [1h, 2h]}}
expect:
  - {name: both accepted, count: accepted, eq: 2}
  - {name: one run only, metric: runs_started, max: 1}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res := checktest.RequireScenario(printer{}, s)
	fmt.Println(len(res.Checks), "checks, passed:", res.Passed())

	checktest.Require(printer{}, "missing.yaml")
	// Output:
	// FAIL: nightly.yaml: expectation "one run only": expected runs_started at most 1; got 2
	// 2 checks, passed: false
	// STOP: runsim: missing.yaml: no such file
}

package scenario_test

import (
	"fmt"

	"runsim/scenario"
)

// Each expectation decodes to the type of its kind.
func ExampleExpectation() {
	s, err := scenario.Parse("e.yaml", []byte(`
name: e
start: 2025-01-06T00:00:00Z
horizon: 1d
clients:
  - {name: admin, arrivals: {at: [5h]}}
expect:
  - {name: one start, count: run-started, trigger: onDemand, eq: 1}
  - {name: fresh, metric: freshness_max, max: 13h}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, x := range s.File.Expect {
		switch k := x.What.(type) {
		case *scenario.ExpectCount:
			fmt.Printf("%s: %s %s events, eq %g\n", x.Name, k.Kind(), k.Event, float64(*k.Eq))
		case *scenario.ExpectMetric:
			fmt.Printf("%s: %s %s, max %gs\n", x.Name, k.Kind(), k.Metric, float64(*k.Max))
		}
	}

	_, err = scenario.Parse("bad.yaml", []byte(`
name: e
start: 2025-01-06T00:00:00Z
horizon: 1d
expect:
  - {name: fresh, metric: freshness_max, eq: 13h}
`))
	fmt.Println(err)
	// Output:
	// one start: count run-started events, eq 1
	// fresh: metric freshness_max, max 46800s
	// bad.yaml:6:42: unknown field "eq" in expect.0 (known for metric expectations: name, metric, min, max)
}

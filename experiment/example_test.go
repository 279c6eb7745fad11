package experiment_test

import (
	"fmt"

	"runsim/experiment"
	"runsim/scenarios"
)

// Compare the documented throttle with a token bucket on the same random
// numbers: the same first attempts at the same instants, different
// answers (and so different retries).
func ExampleCompare() {
	base, err := scenarios.Load("documented", "clients.admin.arrivals.poisson.rate=1/h")
	if err != nil {
		panic(err)
	}
	variants, err := experiment.Variants(base, []string{"bucket=service.throttle.kind=token-bucket"})
	if err != nil {
		panic(err)
	}
	res, err := experiment.Compare(variants, experiment.Options{Replications: 3})
	if err != nil {
		panic(err)
	}
	for _, r := range res {
		fmt.Printf("%s: %.0f requests, %.0f throttled\n", r.Name, r.Aggregate.Interval("requests").Mean, r.Aggregate.Interval("throttled").Mean)
	}
	// Output:
	// baseline: 886 requests, 85 throttled
	// bucket: 855 requests, 15 throttled
}

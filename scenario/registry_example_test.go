package scenario_test

import (
	"fmt"

	"runsim/scenario"
)

// The variant tables say, for each family, which variant a scenario gets
// when it names none, and the real defaults of its options.
func ExampleFamilies() {
	for _, f := range scenario.Families() {
		if f.Name != "distribution" {
			continue
		}
		for _, v := range f.Variants {
			if v.Name == f.Default {
				fmt.Println(f.Field, "defaults to", v.Name)
				for _, o := range v.Options {
					fmt.Printf("  %s: %s\n", o.Name, o.Default)
				}
			}
		}
	}
	// Output:
	// service.run.duration.dist defaults to lognormal
	//   median: 1h50m
	//   sigma: 0.3
}

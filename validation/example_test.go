package validation_test

import (
	"fmt"

	"runsim/validation"
)

// Erlang's loss formula: five slots, an offered load of six.
func ExampleErlangB() {
	fmt.Printf("%.4f\n", validation.ErlangB(5, 6))
	// Output: 0.3604
}

// Simulate one point of the skip-rule case and compare it with the exact
// value.
func ExampleRun() {
	c, err := validation.Lookup("skip")
	if err != nil {
		panic(err)
	}
	p := c.Points[0] // P=12h, L=10h, λ=0.05/h
	rs, err := validation.Run(c, p, validation.Short, 1, 2)
	if err != nil {
		panic(err)
	}
	r := rs[0]
	fmt.Printf("%s, %s: exact %.3f, simulated %.3f [%.3f, %.3f]: %s\n",
		c.Name, r.What, r.Exact, r.Sim.Mean, r.Sim.Low, r.Sim.High, r.Verdict())
	// Output: skip, skipped per run due: exact 0.393, simulated 0.393 [0.386, 0.399]: ok
}

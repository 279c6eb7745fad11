package scenarios_test

import (
	"fmt"

	"runsim/scenarios"
)

// A scenario of the library is loaded by name, with overrides as --set
// takes them.
func ExampleLoad() {
	s, err := scenarios.Load("documented", "service.throttle.limit=6")
	if err != nil {
		panic(err)
	}
	fmt.Println(s.File.Name, s.File.Service.Throttle.Limit)
	// Output: documented 6
}

package experiment_test

import (
	"fmt"

	"runsim/experiment"
)

// Shard 2 of 3 of a grid of 7 points: points 1 and 4, from the index of a
// Kubernetes Indexed Job's second pod.
func ExampleParseShard() {
	getenv := func(k string) string { return map[string]string{"JOB_COMPLETION_INDEX": "1"}[k] }
	s, from, err := experiment.ParseShard("auto/3", getenv)
	if err != nil {
		panic(err)
	}
	fmt.Println(s, "from", from)
	for i := range 7 {
		if s.Has(i) {
			fmt.Println("point", i)
		}
	}
	// Output:
	// 2/3 from JOB_COMPLETION_INDEX=1
	// point 1
	// point 4
}

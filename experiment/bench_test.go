package experiment

import (
	"testing"

	"runsim/scenario"
)

// BenchmarkSweep is the sweep of the capacity-report issue: 50 points ×
// 200 replications of documented.yaml, with 1 and 2 workers.
func BenchmarkSweep(b *testing.B) {
	s, err := scenario.Load("../scenarios/documented.yaml")
	if err != nil {
		b.Fatal(err)
	}
	p, err := ParseParam("clients.admin.arrivals.poisson.rate=1/d:50/d:1/d")
	if err != nil {
		b.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		b.Run(map[int]string{1: "workers=1", 2: "workers=2"}[workers], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				err := Sweep(s, []Param{p}, Options{Replications: 200, Workers: workers}, func(Point) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

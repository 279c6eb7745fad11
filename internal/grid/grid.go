// Package grid holds the points of a sweep: every combination of the
// values of its parameters, in the one order that runsim sweep writes,
// shards and merges them.
package grid

// Points returns every combination of the params' values (values reads
// a param's), the first param varying slowest. No params is one point
// with no values.
func Points[P any](params []P, values func(P) []string) [][]string {
	combos := [][]string{{}}
	for _, p := range params {
		var next [][]string
		for _, pt := range combos {
			for _, v := range values(p) {
				next = append(next, append(append([]string{}, pt...), v))
			}
		}
		combos = next
	}
	return combos
}

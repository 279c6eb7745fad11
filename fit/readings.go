package fit

import (
	"maps"
	"slices"
	"strings"
)

// A Dimension is one open question of the service (DESIGN.md §2), as the
// scenario path that answers it and the values it may take. The readings
// runsim fit tries are every combination of the dimensions' values, a
// dimension left out where it cannot matter (Applies).
type Dimension struct {
	Path string // a scenario path, as --set takes it
	Doc  string
	// Values are scenario values, written as in YAML; "@schedule" and
	// "@midnight" are instants resolved against the log (the schedule's
	// anchor; midnight UTC of the day of the first record).
	Values []string
	// Applies says whether the dimension matters given the other values
	// of the reading; nil: always. A dimension that does not apply is left
	// out of the reading (its scenario default holds).
	Applies func(r Reading) bool
}

// Dimensions are the open questions fit tries, declared once: adding a
// reading is adding a value to its row.
var Dimensions = []Dimension{
	{Path: "service.throttle.kind", Doc: "window shape",
		Values: []string{"sliding", "fixed", "token-bucket", "gcra", "none"}},
	{Path: "service.throttle.anchor", Doc: "where fixed windows are aligned",
		Values: []string{"@schedule", "@midnight"}, Applies: is("service.throttle.kind", "fixed")},
	{Path: "service.throttle.counts", Doc: "what takes a slot",
		Values: []string{"successful", "accepted", "attempts"}, Applies: throttled},
	{Path: "service.throttle.reserve", Doc: "a run in progress holds its slot",
		Values: []string{"true", "false"}, Applies: func(r Reading) bool { return throttled(r) && r["service.throttle.counts"] == "successful" }},
	{Path: "service.throttle.scheduled", Doc: "scheduled runs and the throttle",
		Values: []string{"throttled", "counted", "not-counted"}, Applies: throttled},
	{Path: "service.throttle.refusal", Doc: "how a throttled start is answered",
		Values: []string{"429", "accepted-then-failed"}, Applies: throttled},
	{Path: "service.throttle.retry_after", Doc: "the Retry-After of a 429",
		Values: []string{"exact", "none"}, Applies: func(r Reading) bool { return throttled(r) && r["service.throttle.refusal"] == "429" }},
	{Path: "service.skip.kind", Doc: "skip rule",
		Values: []string{"next-within", "all-within", "re-anchor", "none"}},
	{Path: "service.skip.from", Doc: "where the skip rule measures from",
		Values: []string{"request", "run-start"}, Applies: func(r Reading) bool {
			// Only a start that waits for a run starts its run later than
			// its request.
			return r["service.skip.kind"] != "none" && strings.HasPrefix(r["service.overlap.on_demand"], "buffer-")
		}},
	{Path: "service.overlap.on_demand", Doc: "a start during a run",
		Values: []string{"reject", "buffer-one", "buffer-all", "concurrent"}},
}

func is(path, value string) func(Reading) bool {
	return func(r Reading) bool { return r[path] == value }
}

func throttled(r Reading) bool { return r["service.throttle.kind"] != "none" }

// A Reading is one answer to every open question that matters: scenario
// paths mapped to values. Paths of dimensions that do not apply are absent.
type Reading map[string]string

// Overrides are the reading as scenario overrides (path=value), in the
// order of Dimensions.
func (r Reading) Overrides() []string {
	var out []string
	for _, d := range Dimensions {
		if v, ok := r[d.Path]; ok {
			out = append(out, d.Path+"="+v)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(r)) { // paths of no dimension (a test's own)
		if !slices.ContainsFunc(Dimensions, func(d Dimension) bool { return d.Path == p }) {
			out = append(out, p+"="+r[p])
		}
	}
	return out
}

// Key is the reading in one line, the same for equal readings.
func (r Reading) Key() string { return strings.Join(r.Overrides(), " ") }

// Readings returns every reading of dims, the instants resolved by
// resolve, in a fixed order, without duplicates: a dimension that does not
// apply is left out, so readings that differ only there are one.
func Readings(dims []Dimension, resolve func(string) string) []Reading {
	var out []Reading
	seen := map[string]bool{}
	var walk func(i int, r Reading)
	walk = func(i int, r Reading) {
		if i == len(dims) {
			c := Reading{}
			for _, d := range dims {
				if d.Applies == nil || d.Applies(r) {
					c[d.Path] = r[d.Path]
				}
			}
			if k := c.Key(); !seen[k] {
				seen[k] = true
				out = append(out, c)
			}
			return
		}
		d := dims[i]
		done := map[string]bool{}
		for _, v := range d.Values {
			if resolve != nil {
				v = resolve(v)
			}
			if done[v] {
				continue
			}
			done[v] = true
			r[d.Path] = v
			walk(i+1, r)
		}
		delete(r, d.Path)
	}
	walk(0, Reading{})
	return out
}

// Normalize returns the reading with the paths of dims that do not apply
// to it left out.
func (r Reading) Normalize(dims []Dimension) Reading {
	out := Reading{}
	for p, v := range r {
		out[p] = v
	}
	for _, d := range dims {
		if d.Applies != nil && !d.Applies(r) {
			delete(out, d.Path)
		}
	}
	return out
}

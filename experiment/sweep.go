package experiment

import (
	"errors"
	"fmt"
	"math"
	"runsim/metrics"
	"strconv"
	"strings"

	"runsim/internal/grid"
	"runsim/scenario"
)

// A Param is a scenario field and the values a sweep gives it.
type Param struct {
	Path   string
	Values []string // YAML values, as --set takes them
}

// ParseParam reads "path=v1,v2,..." or "path=from:to:step", where from, to
// and step are numbers that may share a unit suffix (0.5/h:4/h:0.5/h,
// 1h:6h:1h, 3:8:1).
func ParseParam(spec string) (Param, error) {
	path, values, ok := strings.Cut(spec, "=")
	if !ok || path == "" || values == "" {
		return Param{}, fmt.Errorf("--param %q: want path=v1,v2,... or path=from:to:step", spec)
	}
	p := Param{Path: path}
	parts := strings.Split(values, ":")
	if len(parts) == 3 && !strings.Contains(values, ",") {
		vs, err := numericRange(parts[0], parts[1], parts[2])
		if err != nil {
			return Param{}, fmt.Errorf("--param %s: %w", spec, err)
		}
		p.Values = vs
		return p, nil
	}
	for _, v := range strings.Split(values, ",") {
		if v = strings.TrimSpace(v); v == "" {
			return Param{}, fmt.Errorf("--param %s: an empty value in the list", spec)
		}
		p.Values = append(p.Values, v)
	}
	return p, nil
}

// splitNumber splits "0.5/h" into 0.5 and "/h", "90m" into 90 and "m".
func splitNumber(s string) (float64, string, error) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-' || s[i] == '+' || s[i] == 'e' && i > 0) {
		i++
	}
	x, err := strconv.ParseFloat(s[:i], 64)
	if err != nil {
		return 0, "", fmt.Errorf("%q is not a number with an optional unit", s)
	}
	return x, s[i:], nil
}

func numericRange(from, to, step string) ([]string, error) {
	a, ua, err := splitNumber(from)
	if err != nil {
		return nil, err
	}
	b, ub, err := splitNumber(to)
	if err != nil {
		return nil, err
	}
	d, ud, err := splitNumber(step)
	if err != nil {
		return nil, err
	}
	if ua != ub || (ud != "" && ud != ua) {
		return nil, fmt.Errorf("from, to and step must share one unit, got %q, %q, %q", ua, ub, ud)
	}
	switch {
	case d == 0:
		return nil, errors.New("a step of zero")
	case d < 0:
		return nil, errors.New("a negative step")
	case a > b:
		return nil, fmt.Errorf("an empty range: from %s is above to %s", from, to)
	case (b-a)/d > 10000:
		return nil, errors.New("more than 10000 values")
	}
	// The count is fixed first: a step lost in the rounding of from (1e300
	// and a step of 1) would otherwise never reach to.
	n := int(math.Floor((b-a)/d + 1e-9))
	out := make([]string, 0, n+1)
	for k := 0; k <= n; k++ {
		out = append(out, strconv.FormatFloat(round(a+float64(k)*d), 'g', -1, 64)+ua)
	}
	return out, nil
}

// round trims the binary noise of k·step (0.30000000000000004 → 0.3).
// Numbers too large for nine decimals to matter are kept as they are
// (x·1e9 would overflow past 1.8e299).
func round(x float64) float64 {
	if math.Abs(x) >= 1e15 {
		return x
	}
	return math.Round(x*1e9) / 1e9
}

// A Point is one combination of the swept values and its results.
type Point struct {
	Index     int      // its place in the whole grid, from 0 (the first param varying slowest)
	Values    []string // one per Param
	Aggregate *metrics.Accumulator
}

// MaxGridPoints bounds the points of a sweep: each --param has at most
// 10000 values, and their combinations at most this many.
const MaxGridPoints = 100_000

// Grid returns every combination of the params' values, the first param
// varying slowest: the points of a sweep, in the order it writes them.
func Grid(params []Param) [][]string {
	return grid.Points(params, func(p Param) []string { return p.Values })
}

// Sweep runs every combination of the params' values (the first param
// varying slowest), each with opts.Replications replications, and hands
// each point to emit in order as soon as it is complete. Every point is
// loaded first, so a bad value is refused before anything runs.
func Sweep(base *scenario.Scenario, params []Param, opts Options, emit func(Point) error) error {
	return SweepShard(base, params, Whole, opts, emit)
}

// SweepShard is Sweep restricted to the points of one shard (see
// Shard.Has): each of them gives exactly what it gives in the whole sweep,
// since a point's replications and their seeds depend on nothing else.
// Every point of the grid is still loaded first, so every shard refuses a
// bad value, and before anything runs.
func SweepShard(base *scenario.Scenario, params []Param, shard Shard, opts Options, emit func(Point) error) error {
	if len(params) == 0 {
		return errors.New("no --param given")
	}
	if err := shard.validate(); err != nil {
		return err
	}
	size := 1
	for _, p := range params {
		if size *= len(p.Values); size > MaxGridPoints {
			return fmt.Errorf("the grid has more than %d points", MaxGridPoints)
		}
	}
	combos := Grid(params)
	var preps []prepared
	var index []int
	for i, pt := range combos {
		overrides := make([]string, len(params))
		for j, p := range params {
			overrides[j] = p.Path + "=" + pt[j]
		}
		s, err := base.With(overrides...)
		if err != nil {
			return err
		}
		p, err := prepare(s)
		if err != nil {
			return err
		}
		if shard.Has(i) {
			preps = append(preps, p)
			index = append(index, i)
		}
	}
	if len(preps) == 0 {
		return nil
	}
	return points(preps, replications(base, opts), opts, func(i int, _ metrics.Summary, acc *metrics.Accumulator) error {
		return emit(Point{Index: index[i], Values: combos[index[i]], Aggregate: acc})
	})
}

package experiment

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"runsim/metrics"
	"runsim/scenario"
)

// A Target is a bound on a metric: metric<=value or metric>=value. The
// value may be a duration (13h, for metrics in seconds) or a percentage.
type Target struct {
	Metric metrics.Metric
	Max    bool // true for <=
	Value  float64
}

// ParseTarget reads "metric<=value" or "metric>=value".
func ParseTarget(s string) (Target, error) {
	op := "<="
	i := strings.Index(s, op)
	if i < 0 {
		op = ">="
		i = strings.Index(s, op)
	}
	if i <= 0 {
		return Target{}, fmt.Errorf("--target %q: want metric<=value or metric>=value, e.g. throttled_fraction<=5%%", s)
	}
	m, err := lookupMetric(strings.TrimSpace(s[:i]))
	if err != nil {
		return Target{}, fmt.Errorf("--target: %w", err)
	}
	t := Target{Metric: m, Max: op == "<="}
	v, err := parseValue(strings.TrimSpace(s[i+2:]))
	if err != nil {
		return Target{}, fmt.Errorf("--target %q: %w", s, err)
	}
	t.Value = v
	return t, nil
}

// lookupMetric finds a metric by its name, or by its key in JSON and CSV
// (freshness_p95_s); for an unknown name, metrics.Lookup's error suggests
// the nearest or lists them all.
func lookupMetric(name string) (metrics.Metric, error) {
	if base, ok := strings.CutSuffix(name, "_s"); ok {
		if m, err := metrics.Lookup(base); err == nil && m.Key() == name {
			return m, nil
		}
	}
	m, err := metrics.Lookup(name)
	if err != nil {
		return metrics.Metric{}, errors.New(strings.TrimPrefix(err.Error(), "metrics: "))
	}
	return m, nil
}

// parseValue reads a number, a percentage or a duration (in seconds).
func parseValue(s string) (float64, error) {
	if p, ok := strings.CutSuffix(s, "%"); ok {
		v, err := strconv.ParseFloat(p, 64)
		return v / 100, err
	}
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return v, nil
	}
	if d, err := scenario.ParseDuration(s); err == nil {
		return d.Seconds(), nil
	}
	return 0, fmt.Errorf("bad value %q: want a number, a percentage or a duration", s)
}

// failedClearly reports whether the whole 95% interval is past the
// target's bound.
func (t Target) failedClearly(iv metrics.Interval) bool {
	if t.Max {
		return iv.Low > t.Value
	}
	return iv.High < t.Value
}

// held reports whether the whole 95% interval meets the target.
func (t Target) held(iv metrics.Interval) bool {
	if t.Max {
		return iv.High <= t.Value
	}
	return iv.Low >= t.Value
}

func (t Target) String() string {
	op := ">="
	if t.Max {
		op = "<="
	}
	return t.Metric.Name + op + t.Metric.Format(t.Value)
}

// A Step is one value tried by a capacity search and what it gave.
type Step struct {
	Value    string
	Interval metrics.Interval
	Held     bool
	x        float64 // Value as a number, without its unit
}

// Capacity is the answer of a search: the best value that holds the target,
// and the evidence.
type Capacity struct {
	Param  string
	Target Target
	// Found is the answer: the best value that held, rounded toward the
	// side that holds to the digits the evidence supports: the span from
	// HeldAt to ClearlyFailedAt (to the end of the range when no value
	// clearly failed), widened to the values where the means did not move
	// one way; empty if none in the range holds.
	Found string
	// HeldAt is the best value tried that held, FailedAt the nearest
	// beyond it that did not ("" when the whole range holds), and
	// ClearlyFailedAt the nearest beyond it whose whole interval is past
	// the bound ("" when none is): between HeldAt and ClearlyFailedAt the
	// intervals straddle the bound and the replications cannot tell.
	HeldAt, FailedAt, ClearlyFailedAt string
	// Monotone is false when the means of the values tried do not move
	// one way with the parameter, as the search assumes; Note says where.
	Monotone bool
	Steps    []Step
	Note     string
}

// capacityRange reads a search's range and tolerance: the ends as numbers,
// their shared unit, whether the search is over integers, and the
// tolerance (a thousandth of the range when zero; 1 for integers).
func capacityRange(lo, hi string, tolerance float64) (a, b float64, unit string, integer bool, tol float64, err error) {
	a, unit, err = splitNumber(lo)
	if err != nil {
		return
	}
	b, unit2, err := splitNumber(hi)
	if err != nil {
		return
	}
	if unit != unit2 {
		err = fmt.Errorf("--range: both ends need the same unit, got %q and %q", unit, unit2)
		return
	}
	if a >= b {
		err = fmt.Errorf("--range: an empty range %s:%s", lo, hi)
		return
	}
	integer = unit == "" && a == math.Trunc(a) && b == math.Trunc(b) && !strings.ContainsAny(lo+hi, ".e")
	tol = tolerance
	if tol <= 0 {
		tol = (b - a) / 1000
		if integer {
			tol = 1
		}
	}
	return
}

// CapacityTries is the most values a search over [lo, hi] with tolerance
// tries: both ends, then one per halving of the bracket.
func CapacityTries(lo, hi string, tolerance float64) (int, error) {
	a, b, _, _, tol, err := capacityRange(lo, hi, tolerance)
	if err != nil {
		return 0, err
	}
	return 2 + int(math.Ceil(math.Log2(math.Max((b-a)/tol, 1)))), nil
}

// SearchCapacity bisects param over [lo, hi] (numbers sharing an optional
// unit; integers when both are) for the largest value (or the smallest,
// with smallest) whose replications keep the target's metric within bound
// for their whole 95% confidence interval. It assumes the metric moves one
// way with the param, says when the means of the values tried do not
// (Monotone, Note), and stops when the bracket is within tolerance (a
// thousandth of the range when zero; 1 for integers). The answer is
// rounded to the digits the evidence supports. opts.Progress, when set,
// counts replications over CapacityTries values.
func SearchCapacity(base *scenario.Scenario, param, lo, hi string, target Target, smallest bool, tolerance float64, opts Options) (Capacity, error) {
	a, b, unit, integer, tol, err := capacityRange(lo, hi, tolerance)
	if err != nil {
		return Capacity{}, err
	}
	tries, _ := CapacityTries(lo, hi, tolerance)
	reps := replications(base, opts)
	format := func(x float64) string {
		if integer {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(round(x), 'g', -1, 64) + unit
	}
	res := Capacity{Param: param, Target: target, Monotone: true}
	try := func(x float64) (bool, error) {
		v := format(x)
		s, err := base.With(param + "=" + v)
		if err != nil {
			return false, err
		}
		o := opts
		if opts.Progress != nil {
			done := len(res.Steps) * reps
			o.Progress = func(d, _ int) { opts.Progress(done+d, tries*reps) }
		}
		_, acc, err := Replicate(s, o)
		if err != nil {
			return false, err
		}
		iv := acc.Interval(target.Metric.Name)
		ok := target.held(iv)
		res.Steps = append(res.Steps, Step{Value: v, Interval: iv, Held: ok, x: x})
		return ok, nil
	}
	// good is the end expected to hold, bad the one expected not to.
	good, bad := a, b
	if smallest {
		good, bad = b, a
	}
	okGood, err := try(good)
	if err != nil {
		return res, err
	}
	if !okGood {
		res.Note = fmt.Sprintf("no value in the range holds: %s fails at %s", target, format(good))
		return res, nil
	}
	okBad, err := try(bad)
	if err != nil {
		return res, err
	}
	if okBad {
		res.Found, res.HeldAt = format(bad), format(bad)
		res.Note = "the whole range holds; widen it to find the limit"
		return res, nil
	}
	for math.Abs(bad-good) > tol {
		mid := (good + bad) / 2
		if integer {
			mid = math.Floor(mid)
			if smallest {
				mid = math.Ceil((good + bad) / 2)
			}
			if mid == good || mid == bad {
				break
			}
		}
		ok, err := try(mid)
		if err != nil {
			return res, err
		}
		if ok {
			good = mid
		} else {
			bad = mid
		}
	}
	res.HeldAt, res.FailedAt = format(good), format(bad)
	// The replications cannot tell from HeldAt to the nearest value whose
	// whole interval is past the bound.
	clear, far := math.NaN(), b
	if smallest {
		far = a
	}
	for _, st := range res.Steps {
		if beyond := (st.x - good) * (far - good); beyond > 0 && target.failedClearly(st.Interval) &&
			(math.IsNaN(clear) || math.Abs(st.x-good) < math.Abs(clear-good)) {
			clear = st.x
		}
	}
	width := math.Abs(bad - good)
	if math.IsNaN(clear) {
		width = math.Abs(far - good)
	} else {
		res.ClearlyFailedAt = format(clear)
		width = math.Max(width, math.Abs(clear-good))
	}
	lo2, hi2, inversion := res.unevenness(smallest)
	if inversion != "" {
		res.Monotone = false
		res.Note = fmt.Sprintf("the evidence is not monotone: %s, though the search assumes the metric moves one way with %s; the answer may be wrong (more --replications would tell noise from a real turn)", inversion, param)
		if !integer {
			width = math.Max(width, hi2-lo2)
			res.Note += ", and it is rounded to the span of those values"
		}
	}
	answer := good
	if !integer {
		answer = roundToward(good, width, smallest)
		if smallest {
			answer = math.Min(answer, b)
		} else {
			answer = math.Max(answer, a)
		}
	}
	res.Found = format(answer)
	return res, nil
}

// roundToward rounds x to the decimal digits that an uncertainty of width
// supports (a power of ten at most width), toward the side known to hold:
// down for the largest value, up for the smallest.
func roundToward(x, width float64, up bool) float64 {
	if width <= 0 {
		return x
	}
	step := math.Pow(10, math.Floor(math.Log10(width)))
	q := x / step
	if math.Abs(q-math.Round(q)) < 1e-9 {
		return math.Round(q) * step
	}
	if up {
		return math.Ceil(q) * step
	}
	return math.Floor(q) * step
}

// unevenness looks for means that do not move one way with the parameter:
// sorted by value, from the end that holds to the end that does not, the
// mean should only move toward failing the target. It returns the span of
// the values involved in every pair that moves the other way, and the
// widest such pair in words; "" when there is none.
func (c *Capacity) unevenness(smallest bool) (lo, hi float64, words string) {
	steps := slices.Clone(c.Steps)
	slices.SortFunc(steps, func(p, q Step) int { return cmp.Compare(p.x, q.x) })
	if smallest {
		slices.Reverse(steps)
	}
	// worse reports whether mean m is further toward failing than n.
	worse := func(m, n float64) bool {
		if c.Target.Max {
			return m > n
		}
		return m < n
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	widest := -1.0
	metric := c.Target.Metric
	for i := range steps {
		for j := i + 1; j < len(steps); j++ {
			p, q := steps[i], steps[j]
			if !worse(p.Interval.Mean, q.Interval.Mean) {
				continue
			}
			lo, hi = math.Min(lo, math.Min(p.x, q.x)), math.Max(hi, math.Max(p.x, q.x))
			if w := math.Abs(q.x - p.x); w > widest {
				widest = w
				words = fmt.Sprintf("the mean of %s is %s at %s but %s at %s", metric.Name,
					metric.Format(q.Interval.Mean), q.Value, metric.Format(p.Interval.Mean), p.Value)
			}
		}
	}
	return lo, hi, words
}

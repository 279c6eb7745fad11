package experiment

import (
	"fmt"
	"math"
	"runsim/metrics"
	"strconv"
	"strings"

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
	m, err := metrics.Lookup(strings.TrimSpace(s[:i]))
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
}

// Capacity is the answer of a search: the best value that holds the target,
// and the evidence.
type Capacity struct {
	Param  string
	Target Target
	Found  string // the best value that holds; empty if none in range
	Steps  []Step
	Note   string
}

// SearchCapacity bisects param over [lo, hi] (numbers sharing an optional
// unit; integers when both are) for the largest value (or the smallest,
// with smallest) whose replications keep the target's metric within bound
// for their whole 95% confidence interval. It assumes the metric moves one
// way with the param, and stops when the bracket is within tolerance (a
// thousandth of the range when zero; 1 for integers).
func SearchCapacity(base *scenario.Scenario, param, lo, hi string, target Target, smallest bool, tolerance float64, opts Options) (Capacity, error) {
	a, unit, err := splitNumber(lo)
	if err != nil {
		return Capacity{}, err
	}
	b, unit2, err := splitNumber(hi)
	if err != nil {
		return Capacity{}, err
	}
	if unit != unit2 {
		return Capacity{}, fmt.Errorf("--range: both ends need the same unit, got %q and %q", unit, unit2)
	}
	if a >= b {
		return Capacity{}, fmt.Errorf("--range: an empty range %s:%s", lo, hi)
	}
	integer := unit == "" && a == math.Trunc(a) && b == math.Trunc(b) && !strings.ContainsAny(lo+hi, ".e")
	if tolerance <= 0 {
		tolerance = (b - a) / 1000
		if integer {
			tolerance = 1
		}
	}
	format := func(x float64) string {
		if integer {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(round(x), 'g', -1, 64) + unit
	}
	res := Capacity{Param: param, Target: target}
	try := func(x float64) (bool, error) {
		v := format(x)
		s, err := base.With(param + "=" + v)
		if err != nil {
			return false, err
		}
		_, acc, err := Replicate(s, opts)
		if err != nil {
			return false, err
		}
		iv := acc.Interval(target.Metric.Name)
		ok := target.held(iv)
		res.Steps = append(res.Steps, Step{Value: v, Interval: iv, Held: ok})
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
		res.Found = format(bad)
		res.Note = "the whole range holds; widen it to find the limit"
		return res, nil
	}
	for math.Abs(bad-good) > tolerance {
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
	res.Found = format(good)
	return res, nil
}

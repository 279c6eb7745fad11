package metrics

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"runsim/internal/suggest"
	"runsim/policy"
	"runsim/sim"
)

// Kind is what a metric's value is, which says its unit, the range it can
// take and how it is written.
type Kind uint8

const (
	// Count is a number of events in a run (a mean over replications may
	// be fractional). Never negative.
	Count Kind = iota
	// Fraction is a share between 0 and 1; text shows it as a percentage.
	Fraction
	// Duration is a span of time, in seconds; text shows it as 1h25m and
	// machine formats key it with an "_s" suffix.
	Duration
	// Rate is events per day. Never negative.
	Rate
	// Level is a number of things at a time (runs in the throttle window).
	// Never negative.
	Level
)

var kindNames = [...]string{Count: "count", Fraction: "fraction", Duration: "duration", Rate: "rate", Level: "level"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Metric is one figure of a Summary, declared once in the table that every
// output reads: the text summary, JSON and CSV, sweeps, capacity targets,
// comparisons, charts and reports. Name is what expectations, --target and
// reports call it; Key is what machine formats call it.
type Metric struct {
	Name  string
	Kind  Kind
	Title string // for people: a chart's axis, a report's row
	Doc   string // one sentence: what is measured
	Value func(Summary) float64
}

// Key is the metric's name in JSON and CSV: the name, with "_s" for
// durations (which machine formats give in seconds).
func (m Metric) Key() string {
	if m.Kind == Duration {
		return m.Name + "_s"
	}
	return m.Name
}

// Unit is the unit of the metric's value as Value returns it: "s" for
// durations, "/d" for rates, "" otherwise (fractions are 0..1).
func (m Metric) Unit() string {
	switch m.Kind {
	case Duration:
		return "s"
	case Rate:
		return "/d"
	}
	return ""
}

// Bounds is the range the metric's value can take: [0, 1] for fractions,
// [0, +Inf) for every other metric (none can be negative).
func (m Metric) Bounds() (lo, hi float64) {
	if m.Kind == Fraction {
		return 0, 1
	}
	return 0, math.Inf(1)
}

// Format writes a value of the metric for people: durations as 1h25m (to
// the minute from an hour up, else to the second), fractions as
// percentages, whole numbers as such, others with two decimals, numbers
// with their thousands separated by commas (26,250,870); NaN as "n/a".
func (m Metric) Format(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case m.Kind == Duration:
		d := time.Duration(v * float64(time.Second))
		if d >= time.Hour || d <= -time.Hour {
			return policy.FormatDuration(d.Round(time.Minute))
		}
		return policy.FormatDuration(d.Round(time.Second))
	case m.Kind == Fraction:
		return fmt.Sprintf("%.1f%%", 100*v)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return FormatInt(int64(v))
	case math.Abs(v) < 1e15:
		whole, frac, _ := strings.Cut(fmt.Sprintf("%.2f", v), ".")
		n, _ := strconv.ParseInt(whole, 10, 64)
		sign := ""
		if n == 0 && strings.HasPrefix(whole, "-") {
			sign = "-"
		}
		return sign + FormatInt(n) + "." + frac
	}
	return fmt.Sprintf("%.2f", v)
}

// FormatInt writes n for people, its thousands separated by commas:
// 26,250,870.
func FormatInt(n int64) string {
	s := strconv.FormatInt(n, 10)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return sign + s
}

// FormatDelta writes a difference of the metric with its sign, or "=" for
// none, as Format writes values.
func (m Metric) FormatDelta(d float64) string {
	switch {
	case d == 0:
		return "="
	case d < 0:
		return "-" + m.Format(-d)
	}
	return "+" + m.Format(d)
}

func fraction(n func(Summary) int) func(Summary) float64 {
	return func(s Summary) float64 {
		if s.Requests == 0 {
			return 0
		}
		return float64(n(s)) / float64(s.Requests)
	}
}

func count(n func(Summary) int) func(Summary) float64 {
	return func(s Summary) float64 { return float64(n(s)) }
}

func seconds(d func(Summary) time.Duration) func(Summary) float64 {
	return func(s Summary) float64 { return d(s).Seconds() }
}

// The table is built from declarations, one per concern, each in its own
// file with the measurement behind it (see declare). table is every
// metric, in the order outputs list them; index finds one by name.
var (
	reg   registry
	table []Metric
	index map[string]int
)

// MetricNames are the names of every metric, in the table's order.
var MetricNames []string

// declare adds a concern's metrics to the table, with the measurement
// behind them (nil for metrics that read only Summary fields another
// measurement fills). It is called from an init function of the
// concern's file, so the table is complete before anything reads it.
//
// The order outputs list metrics in is stated by rank: the table holds
// the declarations by increasing rank, each declaration's metrics in the
// order given. Ranks are spaced by 100 so that a new concern can take a
// place between two others. A duplicate name or rank, or an incomplete
// metric, panics: the program does not start.
func declare(rank int, m *measure, metrics ...Metric) {
	reg.add(rank, m, metrics...)
	table, index, MetricNames = reg.table, reg.index, reg.names
}

// A registry is a metric table under construction.
type registry struct {
	decls []declaration // by increasing rank
	table []Metric
	index map[string]int
	names []string

	measures []*measure // every measurement, in the order of the table
	// byKind[retry][kind] are the indices in measures of those that read
	// events of the kind, for first attempts (and events that are no
	// attempt: retry 0) and for retries (retry 1).
	byKind  [2][][]int
	figures int // figures allocated by newFigure
}

type declaration struct {
	rank    int
	measure *measure
	metrics []Metric
}

func (r *registry) add(rank int, m *measure, metrics ...Metric) {
	if len(metrics) == 0 {
		panic(fmt.Sprintf("metrics: declaration at rank %d has no metric", rank))
	}
	at := len(r.decls)
	for i, d := range r.decls {
		if d.rank == rank {
			panic(fmt.Sprintf("metrics: rank %d declared twice (%s and %s)", rank, d.metrics[0].Name, metrics[0].Name))
		}
		if d.rank > rank && at == len(r.decls) {
			at = i
		}
	}
	seen := map[string]bool{}
	for _, mt := range metrics {
		switch {
		case mt.Name == "":
			panic("metrics: a metric has no name")
		case mt.Title == "" || mt.Doc == "" || mt.Value == nil:
			panic("metrics: metric " + mt.Name + " lacks a title, a doc or a value")
		case seen[mt.Name]:
			panic("metrics: metric " + mt.Name + " declared twice")
		}
		if _, dup := r.index[mt.Name]; dup {
			panic("metrics: metric " + mt.Name + " declared twice")
		}
		seen[mt.Name] = true
	}
	if m != nil && m.start == nil {
		panic("metrics: the measurement of " + metrics[0].Name + " cannot start")
	}
	r.decls = slices.Insert(r.decls, at, declaration{rank, m, slices.Clone(metrics)})

	r.table, r.names, r.measures, r.byKind = nil, nil, nil, [2][][]int{}
	r.index = map[string]int{}
	for _, d := range r.decls {
		for _, mt := range d.metrics {
			r.index[mt.Name] = len(r.table)
			r.table = append(r.table, mt)
			r.names = append(r.names, mt.Name)
		}
		if d.measure == nil {
			continue
		}
		for retry, kinds := range [2][]sim.Kind{slices.Concat(d.measure.kinds, d.measure.firsts), d.measure.kinds} {
			for _, k := range kinds {
				for int(k) >= len(r.byKind[retry]) {
					r.byKind[retry] = append(r.byKind[retry], nil)
				}
				if !slices.Contains(r.byKind[retry][k], len(r.measures)) {
					r.byKind[retry][k] = append(r.byKind[retry][k], len(r.measures))
				}
			}
		}
		r.measures = append(r.measures, d.measure)
	}
}

// All returns every metric, in the order outputs list them.
func All() []Metric { return append([]Metric(nil), table...) }

// Lookup returns the metric called name, or an error naming the nearest
// one when name looks like a typo of it, else the known ones.
func Lookup(name string) (Metric, error) {
	if i, ok := index[name]; ok {
		return table[i], nil
	}
	if hint := suggest.DidYouMean(name, MetricNames, nil); hint != "" {
		return Metric{}, fmt.Errorf("metrics: unknown metric %q; %s", name, hint)
	}
	return Metric{}, fmt.Errorf("metrics: unknown metric %q (known: %s)", name, strings.Join(MetricNames, ", "))
}

// MustLookup is Lookup for names fixed in the program; it panics on an
// unknown one.
func MustLookup(name string) Metric {
	m, err := Lookup(name)
	if err != nil {
		panic(err)
	}
	return m
}

// Metric returns the named figure of s: counts as numbers, fractions
// between 0 and 1, durations in seconds. ok is false for an unknown name
// (Lookup says which names are known).
func (s Summary) Metric(name string) (v float64, ok bool) {
	i, ok := index[name]
	if !ok {
		return 0, false
	}
	return table[i].Value(s), true
}

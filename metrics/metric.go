package metrics

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"runsim/internal/suggest"
	"runsim/policy"
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

// table is every metric, in the order outputs list them.
var table = []Metric{
	{"requests", Count, "requests", "attempts that reached the service, retries included",
		count(func(s Summary) int { return s.Requests })},
	{"accepted", Count, "accepted (202)", "attempts answered 202 Accepted",
		count(func(s Summary) int { return s.Accepted })},
	{"throttled", Count, "throttled (429)", "attempts the throttle refused: answered 429, or 202 with an operation that fails (refusal: accepted-then-failed)",
		count(func(s Summary) int { return s.Throttled })},
	{"conflicts", Count, "conflicts (409)", "attempts answered 409 Conflict",
		count(func(s Summary) int { return s.Conflicts })},
	{"retries", Count, "retries", "attempts after a request's first",
		count(func(s Summary) int { return s.Retries })},
	{"gave_up", Count, "requests given up", "requests abandoned after a refusal",
		count(func(s Summary) int { return s.GaveUp })},
	{"throttled_fraction", Fraction, "throttled share", "throttled attempts over all attempts",
		fraction(func(s Summary) int { return s.Throttled })},
	{"conflict_fraction", Fraction, "conflict share", "attempts answered 409 over all attempts",
		fraction(func(s Summary) int { return s.Conflicts })},
	{"accepted_fraction", Fraction, "accepted share", "accepted attempts over all attempts",
		fraction(func(s Summary) int { return s.Accepted })},
	{"runs_started", Count, "runs started", "runs started, scheduled and on demand",
		count(func(s Summary) int { return s.RunsStarted })},
	{"runs_succeeded", Count, "runs succeeded", "runs that finished completed, completedWithErrors or completedWithWarnings",
		count(func(s Summary) int { return s.RunsSucceeded })},
	{"runs_failed", Count, "runs failed", "runs that finished failed",
		count(func(s Summary) int { return s.RunsFailed })},
	{"runs_per_day", Rate, "successful runs per day", "successful runs per day of the horizon",
		func(s Summary) float64 { return s.RunsPerDay }},
	{"scheduled_run", Count, "scheduled runs started", "system-scheduled runs that started",
		count(func(s Summary) int { return s.ScheduledRun })},
	{"scheduled_skipped", Count, "scheduled runs skipped", "system-scheduled runs skipped, whatever the reason",
		count(func(s Summary) int {
			n := 0
			for _, k := range s.ScheduledSkipped {
				n += k
			}
			return n
		})},
	{"lateness_mean", Duration, "mean lateness of scheduled runs", "mean start of a scheduled run minus its nominal instant",
		seconds(func(s Summary) time.Duration { return s.LatenessMean })},
	{"lateness_max", Duration, "max lateness of scheduled runs", "largest start of a scheduled run minus its nominal instant",
		seconds(func(s Summary) time.Duration { return s.LatenessMax })},
	{"freshness_mean", Duration, "mean freshness", "time since the last successful run finished, time-weighted mean",
		seconds(func(s Summary) time.Duration { return s.Freshness.Mean })},
	{"freshness_p50", Duration, "median freshness", "time since the last successful run finished, time-weighted median",
		seconds(func(s Summary) time.Duration { return s.Freshness.P50 })},
	{"freshness_p95", Duration, "p95 freshness", "time since the last successful run finished, time-weighted 95th percentile",
		seconds(func(s Summary) time.Duration { return s.Freshness.P95 })},
	{"freshness_max", Duration, "max freshness", "longest time since the last successful run finished",
		seconds(func(s Summary) time.Duration { return s.Freshness.Max })},
	{"latency_p50", Duration, "median latency", "first attempt of an on-demand request to the end of its run, median",
		seconds(func(s Summary) time.Duration { return s.Latency.P50 })},
	{"latency_p95", Duration, "p95 latency", "first attempt of an on-demand request to the end of its run, 95th percentile",
		seconds(func(s Summary) time.Duration { return s.Latency.P95 })},
	{"occupancy_mean", Level, "mean throttle window occupancy", "runs counted in the throttle window, time-weighted mean",
		func(s Summary) float64 { return s.OccupancyMean }},
	{"occupancy_max", Level, "max throttle window occupancy", "most runs counted in the throttle window at once",
		func(s Summary) float64 { return float64(s.OccupancyMax) }},
	{"polls", Count, "operation polls", "polls of operations' Locations",
		count(func(s Summary) int { return s.Polls })},
}

var index = func() map[string]int {
	m := make(map[string]int, len(table))
	for i, t := range table {
		if _, dup := m[t.Name]; dup {
			panic("metrics: metric " + t.Name + " declared twice")
		}
		m[t.Name] = i
	}
	return m
}()

// MetricNames are the names of every metric, in the table's order.
var MetricNames = func() []string {
	out := make([]string, len(table))
	for i, m := range table {
		out[i] = m.Name
	}
	return out
}()

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

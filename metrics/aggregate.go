package metrics

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Interval is a mean with its 95% confidence interval over n independent
// replications (Student t). With one replication the interval is the
// value itself.
type Interval struct {
	Mean, Low, High float64
	N               int
}

// MetricNames are the figures every summary reports (see Summary.Metric),
// in the order reports list them.
var MetricNames = []string{
	"requests", "accepted", "throttled", "conflicts", "retries", "gave_up",
	"throttled_fraction", "conflict_fraction", "accepted_fraction",
	"runs_started", "runs_succeeded", "runs_failed", "runs_per_day",
	"scheduled_run", "scheduled_skipped", "lateness_mean", "lateness_max",
	"freshness_mean", "freshness_p50", "freshness_p95", "freshness_max",
	"latency_p50", "latency_p95", "occupancy_mean", "occupancy_max", "polls",
}

// Accumulator keeps the mean and variance of every metric over
// replications as they come (Welford's method), in memory that does not
// grow with their number. Feed it replications in a fixed order for
// byte-identical results.
type Accumulator struct {
	n        int
	mean, m2 []float64
}

// NewAccumulator returns an empty accumulator over MetricNames.
func NewAccumulator() *Accumulator {
	return &Accumulator{mean: make([]float64, len(MetricNames)), m2: make([]float64, len(MetricNames))}
}

// Add takes one replication's summary.
func (a *Accumulator) Add(s Summary) {
	a.n++
	for i, m := range MetricNames {
		v, _ := s.Metric(m)
		if math.IsNaN(v) {
			v = 0
		}
		d := v - a.mean[i]
		a.mean[i] += d / float64(a.n)
		a.m2[i] += d * (v - a.mean[i])
	}
}

// N is the number of replications taken.
func (a *Accumulator) N() int { return a.n }

// Interval returns the mean of a metric with its 95% confidence interval.
func (a *Accumulator) Interval(metric string) Interval {
	for i, m := range MetricNames {
		if m == metric {
			return interval(a.mean[i], a.m2[i], a.n)
		}
	}
	return Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
}

// Intervals returns every metric's interval.
func (a *Accumulator) Intervals() map[string]Interval {
	out := make(map[string]Interval, len(MetricNames))
	for i, m := range MetricNames {
		out[m] = interval(a.mean[i], a.m2[i], a.n)
	}
	return out
}

func interval(mean, m2 float64, n int) Interval {
	switch n {
	case 0:
		return Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
	case 1:
		return Interval{Mean: mean, Low: mean, High: mean, N: 1}
	}
	std := math.Sqrt(m2 / float64(n-1))
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
	half := t * std / math.Sqrt(float64(n))
	return Interval{Mean: mean, Low: mean - half, High: mean + half, N: n}
}

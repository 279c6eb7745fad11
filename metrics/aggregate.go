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

// Accumulator keeps the mean and variance of every metric over
// replications as they come (Welford's method), in memory that does not
// grow with their number. Feed it replications in a fixed order for
// byte-identical results.
type Accumulator struct {
	n        int
	mean, m2 []float64
}

// NewAccumulator returns an empty accumulator over every metric.
func NewAccumulator() *Accumulator {
	return &Accumulator{mean: make([]float64, len(table)), m2: make([]float64, len(table))}
}

// Add takes one replication's summary.
func (a *Accumulator) Add(s Summary) {
	a.n++
	for i, m := range table {
		v := m.Value(s)
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

// Interval returns the mean of a metric with its 95% confidence interval,
// the bounds clipped to the values the metric can take (no negative
// bound for a count, none above 1 for a fraction). It is all NaN for an
// unknown name.
func (a *Accumulator) Interval(metric string) Interval {
	if i, ok := index[metric]; ok {
		return a.interval(i)
	}
	return Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
}

// Intervals returns every metric's interval, by name.
func (a *Accumulator) Intervals() map[string]Interval {
	out := make(map[string]Interval, len(table))
	for i, m := range table {
		out[m.Name] = a.interval(i)
	}
	return out
}

func (a *Accumulator) interval(i int) Interval {
	iv := interval(a.mean[i], a.m2[i], a.n)
	lo, hi := table[i].Bounds()
	iv.Low = math.Max(iv.Low, lo)
	iv.High = math.Min(iv.High, hi)
	return iv
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

package reports

import (
	"math"

	"gonum.org/v1/gonum/stat"
)

// Interval is a mean with its 95% confidence interval over n independent
// replications (Student t). With one replication the interval is the
// value itself.
type Interval struct {
	Mean, Low, High float64
	N               int
}

// MeanCI95 returns the mean of xs and its 95% Student t confidence
// interval.
func MeanCI95(xs []float64) Interval {
	n := len(xs)
	if n == 0 {
		return Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
	}
	mean, variance := stat.MeanVariance(xs, nil)
	if n == 1 {
		variance = 0
	}
	return interval(mean, variance*float64(n-1), n)
}

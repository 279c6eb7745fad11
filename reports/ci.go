package reports

import (
	"math"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
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
	mean, std := stat.MeanStdDev(xs, nil)
	if n == 1 {
		return Interval{Mean: mean, Low: mean, High: mean, N: 1}
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(n - 1)}.Quantile(0.975)
	half := t * std / math.Sqrt(float64(n))
	return Interval{Mean: mean, Low: mean - half, High: mean + half, N: n}
}

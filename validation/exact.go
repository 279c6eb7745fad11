package validation

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// ErlangB is the blocking probability of a loss system with n servers and
// offered load a (arrival rate times mean holding time): the M/G/n/n
// result, insensitive to the law of the holding time. It uses the stable
// recursion B(0) = 1, B(k) = a·B(k-1) / (k + a·B(k-1)).
func ErlangB(n int, a float64) float64 {
	b := 1.0
	for k := 1; k <= n; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// MD1Shape is G(x) = Σ_{k=0}^{⌊x⌋} (−ρ(x−k))^k / k! · e^{ρ(x−k)}, x in
// units of the deterministic service time and ρ its offered load: the
// workload distribution of an M/D/1 queue up to a constant factor
// (Erlang's formula: P(V ≤ x) = P(V = 0)·G(x), for any ρ as long as the
// queue admits every job below x). G(x) = 0 for x < 0. The series
// alternates, and cancellation costs accuracy as x grows: checked against
// 60-digit arithmetic it is within 1e-14 (relative) for x ≤ 12 and ρ ≤ 3,
// which covers every use here (x ≤ 4 in the cases); it is not for large x.
func MD1Shape(rho, x float64) float64 {
	if x < 0 {
		return 0
	}
	g := 0.0
	for k := 0; float64(k) <= x; k++ {
		y := x - float64(k)
		g += math.Pow(-rho*y, float64(k)) / math.Gamma(float64(k+1)) * math.Exp(rho*y)
	}
	return g
}

// BoundedWorkloadBlocking is the refused fraction of a single server with
// deterministic service time I and Poisson arrivals at rate λ (ρ = λI) that
// admits an arrival only while the work it holds is at most (b-1)·I: the
// M/D/1 queue with limited waiting time. It is the token bucket (and GCRA)
// with burst b and one token every I: P(refused) = 1 − G/(1 + ρG) with
// G = MD1Shape(ρ, b−1).
func BoundedWorkloadBlocking(rho float64, b int) float64 {
	g := MD1Shape(rho, float64(b-1))
	return 1 - g/(1+rho*g)
}

// PoissonTail is P(X ≥ n) for X Poisson with mean m.
func PoissonTail(m float64, n int) float64 {
	below, p := 0.0, math.Exp(-m)
	for k := 0; k < n; k++ {
		below += p
		p *= m / float64(k+1)
	}
	return 1 - below
}

// AttemptsBlocking is the expected share of requests refused over [0, h)
// by a sliding log of limit n and window w that counts every attempt,
// under Poisson requests at rate λ from an empty start: by Mecke's
// formula (1/h)∫₀^h P(X_t ≥ n) dt with X_t ~ Poisson(λ·min(t, w)), using
// ∫₀^w P(X_t = k) dt = P(X_w ≥ k+1)/λ. For h ≫ w it tends to
// PoissonTail(λw, n).
func AttemptsBlocking(lambda, w float64, n int, h float64) float64 {
	if h < w {
		panic("validation: AttemptsBlocking needs a horizon of at least one window")
	}
	first := w // ∫₀^w P(X_t ≥ n) dt = w − Σ_{k<n} P(X_w ≥ k+1)/λ
	for k := 0; k < n; k++ {
		first -= PoissonTail(lambda*w, k+1) / lambda
	}
	return ((h-w)*PoissonTail(lambda*w, n) + first) / h
}

// PoissonExcess is E[(X − n)⁺] for X Poisson with mean m: the requests a
// fixed window of limit n refuses when m arrive in it on average.
func PoissonExcess(m float64, n int) float64 {
	// E[(X−n)⁺] = m − n + Σ_{k<n} (n−k)·P(X=k)
	s := m - float64(n)
	p := math.Exp(-m)
	for k := 0; k < n; k++ {
		s += float64(n-k) * p
		p *= m / float64(k+1)
	}
	return s
}

// RenewalAge is the time-average age of a renewal process whose gaps have
// mean m1 and second moment m2: m2 / (2·m1), the mean of the sawtooth.
func RenewalAge(m1, m2 float64) float64 { return m2 / (2 * m1) }

// GeometricSum returns the first two moments of L = C₁ + … + C_G, where G
// is geometric on {1, 2, …} with success probability p and the C_i are
// independent with moments c1, c2 (and independent of G): the gap between
// successes when each cycle succeeds with probability p.
func GeometricSum(p, c1, c2 float64) (m1, m2 float64) {
	eg, eg2 := 1/p, (2-p)/(p*p)
	v := c2 - c1*c1
	return eg * c1, eg*v + eg2*c1*c1
}

// A Law is a run-duration distribution as runsim draws it, with the
// moments the closed forms need. Times are in hours.
type Law struct {
	Name string
	// Mean and Second are E[D] and E[D²].
	Mean, Second float64
	// MeanMin returns E[min(D, w)].
	MeanMin func(w float64) float64
	// YAML is the scenario's duration mapping.
	YAML string
}

// Constant is a duration that never varies (hours, taken to the ms).
func Constant(h float64) Law {
	h = ms(h)
	return Law{Name: "constant", Mean: h, Second: h * h,
		MeanMin: func(w float64) float64 { return math.Min(h, w) },
		YAML:    "{dist: constant, value: " + dur(h) + "}"}
}

// Exponential durations with mean m hours (taken to the ms).
func Exponential(m float64) Law {
	m = ms(m)
	return Law{Name: "exponential", Mean: m, Second: 2 * m * m,
		MeanMin: func(w float64) float64 { return m * (1 - math.Exp(-w/m)) },
		YAML:    "{dist: exponential, mean: " + dur(m) + "}"}
}

// LogNormal durations by median (hours, taken to the ms) and sigma.
func LogNormal(median, sigma float64) Law {
	median = ms(median)
	mu := math.Log(median)
	mean := math.Exp(mu + sigma*sigma/2)
	phi := func(z float64) float64 { return distuv.UnitNormal.CDF(z) }
	return Law{Name: "lognormal", Mean: mean, Second: math.Exp(2*mu + 2*sigma*sigma),
		MeanMin: func(w float64) float64 {
			lw := math.Log(w)
			return mean*phi((lw-mu-sigma*sigma)/sigma) + w*(1-phi((lw-mu)/sigma))
		},
		YAML: "{dist: lognormal, median: " + dur(median) + ", sigma: " + ftoa(sigma) + "}"}
}

// Gamma durations by shape and mean (hours, taken to the ms).
func Gamma(shape, mean float64) Law {
	mean = ms(mean)
	rate := shape / mean
	return Law{Name: "gamma", Mean: mean, Second: mean * mean * (1 + 1/shape),
		MeanMin: func(w float64) float64 {
			below := distuv.Gamma{Alpha: shape + 1, Beta: rate}.CDF(w) // E[D; D<w] / mean
			above := 1 - distuv.Gamma{Alpha: shape, Beta: rate}.CDF(w)
			return mean*below + w*above
		},
		YAML: "{dist: gamma, shape: " + ftoa(shape) + ", mean: " + dur(mean) + "}"}
}

// calibrate returns the law of the family whose E[min(D, w)] is target,
// found by bisection on the family's parameter in (lo, hi) hours
// (E[min(D, w)] increases with it).
func calibrate(family func(float64) Law, w, target, lo, hi float64) Law {
	for range 200 {
		mid := (lo + hi) / 2
		if family(mid).MeanMin(w) < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return family((lo + hi) / 2)
}

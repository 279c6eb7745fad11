package validation

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// A Case is one closed-form result of queueing or renewal theory that a
// configuration of runsim meets exactly, and the points it is tested at.
type Case struct {
	Name    string // short identifier, e.g. "erlang-b"
	Title   string // what is validated
	Formula string // the exact result, one line
	Points  []Point
}

// A Point is one configuration of a case: a scenario, simulated with
// independent replications, and the figures it is checked on.
type Point struct {
	Label string // the parameters, e.g. "N=5, λ=0.5/h"
	// Days is the horizon of the short form, in whole days; the long
	// form multiplies it by its Scale.
	Days int
	// Warmup, in hours, is left out of every figure (the scenario's
	// warmup:), so that a steady-state case is not biased by the empty
	// window at the start; zero for the cases exact over the horizon.
	Warmup float64
	// Service is the scenario's service mapping (YAML, indented by two
	// spaces), Rate the Poisson rate of its one client in requests per
	// hour (zero: no client).
	Service string
	Rate    float64
	Checks  []Check
}

// A Check compares one metric of a point with its exact value.
type Check struct {
	Metric string // a name of the metrics table
	What   string // what the compared figure is, for the table
	// Per divides the metric (mean and interval) before the comparison,
	// given the horizon in hours: a constant, so the interval stays an
	// exact 95% interval. Nil: 1.
	Per func(hours float64) float64
	// Exact is the exact value of the divided metric for the horizon.
	Exact func(hours float64) float64
	// Digits is how many decimals the table shows.
	Digits int
}

func constant(v float64) func(float64) float64 { return func(float64) float64 { return v } }

// ms rounds hours to the millisecond, as scenario files take durations.
func ms(h float64) float64 { return math.Round(h*3_600_000) / 3_600_000 }

// dur writes hours as a scenario duration, in whole milliseconds.
func dur(h float64) string { return strconv.FormatInt(int64(math.Round(h*3_600_000)), 10) + "ms" }

func ftoa(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func service(schedule, throttle, skip, overlap string, law Law, outcomes string) string {
	return strings.Join([]string{
		"  schedule: " + schedule,
		"  throttle: " + throttle,
		"  skip: " + skip,
		"  overlap: " + overlap,
		"  run:",
		"    duration: " + law.YAML,
		"    outcomes: " + outcomes,
	}, "\n") + "\n"
}

const (
	noSchedule = "{kind: none}"
	noThrottle = "{kind: none}"
	noSkip     = "{kind: none}"
	allSucceed = "{completed: 1}"
)

// requestsDays is a horizon of about n requests at rate λ per hour.
func requestsDays(n, rate float64) int { return int(math.Ceil(n / rate / 24)) }

// Cases returns every case, in the order of the table.
func Cases() []Case {
	return []Case{erlangB(), attempts(), insensitivity(), conflicts(), buckets(), fixedWindows(), skipRule(), reanchor(), fifo(), schedule()}
}

// Lookup returns the case called name.
func Lookup(name string) (Case, error) {
	var names []string
	for _, c := range Cases() {
		if c.Name == name {
			return c, nil
		}
		names = append(names, c.Name)
	}
	return Case{}, fmt.Errorf("validation: unknown case %q (known: %s)", name, strings.Join(names, ", "))
}

// A window is a point of a throttle case with limit n per window w hours,
// under Poisson requests at l per hour.
type window struct {
	n    int
	w, l float64
}

func (p window) label() string {
	return fmt.Sprintf("N=%d, W=%gh, λ=%g/h (λW=%.3g)", p.n, p.w, p.l, p.w*p.l)
}

// throttlePoint is a point of a throttle case: one client's Poisson
// requests at rate per hour, about 10000 of them, accepted by the throttle
// thr and started alongside the runs in progress, runs of an hour that
// all complete; the warm-up in hours; one check.
func throttlePoint(label, thr string, rate, warmup float64, check Check) Point {
	return Point{Label: label, Days: requestsDays(10000, rate), Warmup: warmup,
		Service: service(noSchedule, thr, noSkip, "{on_demand: concurrent}", Constant(1), allSucceed),
		Rate:    rate, Checks: []Check{check}}
}

// throttledShare checks the throttled share of requests.
func throttledShare(exact float64) Check {
	return Check{Metric: "throttled_fraction", What: "throttled share", Digits: 4, Exact: constant(exact)}
}

// throttledPerRequest checks the throttled requests per request expected
// at rate per hour.
func throttledPerRequest(rate float64, exact func(hours float64) float64) Check {
	return Check{Metric: "throttled", What: "throttled per expected request", Digits: 4,
		Per: func(h float64) float64 { return rate * h }, Exact: exact}
}

// erlangB: the sliding log counting accepted starts is a loss system whose
// accepted starts hold a slot for exactly the window.
func erlangB() Case {
	c := Case{Name: "erlang-b", Title: "Sliding log counting accepted starts: an Erlang loss system",
		Formula: "throttled_fraction = B(N, λW), Erlang's loss formula (M/D/N/N)"}
	for _, p := range []window{{5, 12, 0.2}, {5, 12, 0.5}, {1, 2, 0.5}, {3, 4, 1.5}} {
		thr := fmt.Sprintf("{kind: sliding, limit: %d, window: %s, counts: accepted}", p.n, dur(p.w))
		// Warm-up, a window: the empty window at the start is gone.
		c.Points = append(c.Points, throttlePoint(p.label(), thr, p.l, p.w, throttledShare(ErlangB(p.n, p.l*p.w))))
	}
	return c
}

// attempts: when every attempt counts, refused ones included, the window
// holds every request of the last W, whatever was answered.
func attempts() Case {
	c := Case{Name: "attempts", Title: "Sliding log counting every attempt: the window holds the requests of the last W",
		Formula: "P(throttled at t) = P(X_t ≥ N), X_t ~ Poisson(λ·min(t, W)); E[throttled]/(λH) = (1/H)∫₀^H P(X_t ≥ N) dt"}
	for _, p := range []window{{5, 12, 0.3}, {5, 12, 0.5}} {
		thr := fmt.Sprintf("{kind: sliding, limit: %d, window: %s, counts: attempts}", p.n, dur(p.w))
		c.Points = append(c.Points, throttlePoint(p.label(), thr, p.l, p.w, // warm-up: a window
			throttledPerRequest(p.l, func(h float64) float64 { return AttemptsBlocking(p.l, p.w, p.n, h) })))
	}
	return c
}

// insensitivity: counting successful runs with reservation, a failed run
// gives its slot back when it finishes: the holding time is W for a
// completed run and min(D, W) for a failed one.
func insensitivity() Case {
	const (
		n      = 5
		w      = 12.0
		lambda = 0.5
		p      = 0.5 // completed
		target = 3.0 // E[min(D, W)] of every law, hours
	)
	c := Case{Name: "insensitivity", Title: "Failed runs give their slot back: blocking depends on the law of D only through E[min(D, W)]",
		Formula: "throttled_fraction = B(N, λ(pW + (1−p)E[min(D, W)])) for any law of D (M/G/N/N)"}
	laws := []Law{
		Constant(target),
		calibrate(Exponential, w, target, 0.1, 100),
		calibrate(func(m float64) Law { return LogNormal(m, 1.2) }, w, target, 0.1, 100),
		calibrate(func(m float64) Law { return Gamma(0.5, m) }, w, target, 0.1, 100),
	}
	thr := fmt.Sprintf("{kind: sliding, limit: %d, window: %s, counts: successful, reserve: true}", n, dur(w))
	for _, law := range laws {
		hold := p*w + (1-p)*law.MeanMin(w)
		c.Points = append(c.Points, Point{
			Label:   fmt.Sprintf("N=%d, W=%gh, λ=%g/h, p=%g, D %s (E[D]=%.2fh, E[min(D,W)]=%.2fh)", n, w, lambda, p, law.Name, law.Mean, law.MeanMin(w)),
			Days:    requestsDays(10000, lambda),
			Warmup:  w, // a window: the empty window at the start is gone
			Service: service(noSchedule, thr, noSkip, "{on_demand: concurrent}", law, fmt.Sprintf("{completed: %g, failed: %g}", p, 1-p)),
			Rate:    lambda,
			Checks:  []Check{throttledShare(ErlangB(n, lambda*hold))},
		})
	}
	return c
}

// conflicts: with no throttle and 409 during a run, the service is an
// M/G/1/1 loss system, and the successful finishes a renewal process.
func conflicts() Case {
	const (
		lambda = 0.4
		mean   = 110.0 / 60
	)
	c := Case{Name: "conflicts", Title: "409 during a run: an M/G/1/1 loss system; finishes form a renewal process",
		Formula: "conflict_fraction = ρ/(1+ρ), ρ = λE[D]; runs_per_day = 24/E[C]; freshness_mean = E[C²]/(2E[C]), C = Exp(λ) + D"}
	laws := []Law{Constant(mean), Exponential(mean), LogNormal(mean*math.Exp(-0.8*0.8/2), 0.8), Gamma(0.5, mean)}
	for _, law := range laws {
		rho := lambda * law.Mean
		c1 := 1/lambda + law.Mean
		c2 := 2/(lambda*lambda) + 2*law.Mean/lambda + law.Second
		c.Points = append(c.Points, Point{
			Label:   fmt.Sprintf("λ=%g/h, D %s (E[D]=%.4fh, E[D²]=%.3fh²)", lambda, law.Name, law.Mean, law.Second),
			Days:    requestsDays(10000, lambda),
			Service: service(noSchedule, noThrottle, noSkip, "{on_demand: reject}", law, allSucceed),
			Rate:    lambda,
			Checks: []Check{
				{Metric: "conflict_fraction", What: "conflict share", Digits: 4, Exact: constant(rho / (1 + rho))},
				{Metric: "runs_per_day", What: "successful runs a day", Digits: 4, Exact: constant(24 / c1)},
				{Metric: "freshness_mean", What: "mean freshness (h)", Digits: 4, Per: constant(3600), Exact: constant(RenewalAge(c1, c2))},
			},
		})
	}
	return c
}

// buckets: the token bucket and GCRA with burst b and one token every
// I = W/limit admit an arrival while the work they hold is at most (b-1)I.
func buckets() Case {
	c := Case{Name: "token-bucket", Title: "Token bucket and GCRA counting accepted starts: an M/D/1 queue with limited waiting",
		Formula: "throttled_fraction = 1 − G/(1+ρG), G = Σ_{k≤b−1} (−ρ(b−1−k))^k/k!·e^{ρ(b−1−k)}, ρ = λW/limit"}
	for _, p := range []struct {
		kind  string
		burst int
		l     float64
	}{{"token-bucket", 1, 0.5}, {"token-bucket", 3, 0.3}, {"gcra", 3, 0.5}, {"gcra", 5, 0.4}} {
		const limit, w = 5, 12.0
		rho := p.l * w / limit
		thr := fmt.Sprintf("{kind: %s, limit: %d, window: %s, burst: %d, counts: accepted}", p.kind, limit, dur(w), p.burst)
		c.Points = append(c.Points, throttlePoint(fmt.Sprintf("%s, %d per %gh, burst %d, λ=%g/h (ρ=%.3g)", p.kind, limit, w, p.burst, p.l, rho),
			thr, p.l, 0, throttledShare(BoundedWorkloadBlocking(rho, p.burst))))
	}
	return c
}

// fixedWindows: each window admits the first N of a Poisson number of
// requests, independently of the others.
func fixedWindows() Case {
	c := Case{Name: "fixed-window", Title: "Fixed windows: each window refuses what exceeds the limit",
		Formula: "E[throttled]/(λH) = E[(X−N)⁺]/(λW), X ~ Poisson(λW), over whole windows from the anchor"}
	for _, p := range []window{{5, 12, 0.3}, {5, 12, 0.5}, {2, 6, 0.5}} {
		thr := fmt.Sprintf("{kind: fixed, limit: %d, window: %s, anchor: 2025-01-06T00:00:00Z, counts: accepted}", p.n, dur(p.w))
		m := p.l * p.w
		c.Points = append(c.Points, throttlePoint(p.label(), thr, p.l, 0, throttledPerRequest(p.l, constant(PoissonExcess(m, p.n)/m))))
	}
	return c
}

// skipRule: the scheduled run due at T is skipped when an on-demand start
// was accepted in [T − min(L, P), T).
func skipRule() Case {
	const period = 12.0
	c := Case{Name: "skip", Title: "The next-within skip rule under Poisson requests",
		Formula: "P(skip the run due at T) = 1 − exp(−λ·min(L', T − start)), L' = min(L, P) (next-within), L (all-within); E[skipped] sums it over the runs due"}
	for _, p := range []struct {
		kind    string
		look, l float64
	}{{"next-within", 10, 0.05}, {"next-within", 10, 0.2}, {"next-within", 2, 0.3}, {"next-within", 18, 0.1}, {"all-within", 18, 0.1}} {
		skip := fmt.Sprintf("{kind: %s, lookahead: %s}", p.kind, dur(p.look))
		sched := fmt.Sprintf("{kind: every, every: %s, anchor: 2025-01-06T00:00:00Z}", dur(period))
		due := func(h float64) float64 { return math.Ceil(h / period) } // T = 0, P, 2P, … < H
		look := p.look                                                  // all-within reaches every run within L
		if p.kind == "next-within" {
			look = math.Min(p.look, period) // only ever the next run
		}
		c.Points = append(c.Points, Point{
			Label:   fmt.Sprintf("%s, P=%gh, L=%gh, λ=%g/h", p.kind, period, p.look, p.l),
			Days:    1000,
			Service: service(sched, noThrottle, skip, "{on_demand: concurrent, scheduled: concurrent}", Constant(1), allSucceed),
			Rate:    p.l,
			Checks: []Check{{Metric: "scheduled_skipped", What: "skipped per run due", Digits: 4,
				Per: due,
				Exact: func(h float64) float64 {
					sum := 0.0
					for k := 0; float64(k)*period < h; k++ {
						sum += 1 - math.Exp(-p.l*math.Min(look, float64(k)*period))
					}
					return sum / due(h)
				}}},
		})
	}
	return c
}

// reanchor: every on-demand start moves the grid, so a scheduled run
// happens once for every whole period of a gap between requests.
func reanchor() Case {
	const period = 12.0
	c := Case{Name: "re-anchor", Title: "The re-anchor skip rule under Poisson requests",
		Formula: "E[scheduled runs] = 1 + Σ_{k≥1, kP<H} e^{−λkP}(1 + λ(H − kP)); per day → 24λe^{−λP}/(1 − e^{−λP})"}
	for _, l := range []float64{0.05, 0.2} {
		sched := fmt.Sprintf("{kind: every, every: %s, anchor: 2025-01-06T00:00:00Z}", dur(period))
		q := math.Exp(-l * period)
		c.Points = append(c.Points, Point{
			Label:   fmt.Sprintf("P=%gh, λ=%g/h", period, l),
			Days:    1000,
			Service: service(sched, noThrottle, "{kind: re-anchor}", "{on_demand: concurrent, scheduled: concurrent}", Constant(1), allSucceed),
			Rate:    l,
			Checks: []Check{{Metric: "scheduled_run", What: "scheduled runs a day", Digits: 4,
				Per: func(h float64) float64 { return h / 24 },
				Exact: func(h float64) float64 {
					// The run at the start, then k·P after it until the
					// first request, then k·P after each request a < H
					// (Campbell's formula), all before H.
					n := 1.0
					for k := 1; float64(k)*period < h; k++ {
						qk := math.Pow(q, float64(k))
						n += qk + l*qk*(h-float64(k)*period)
					}
					return n / (h / 24)
				}}},
		})
	}
	return c
}

// fifo: buffered on-demand starts without a throttle are an M/G/1 FIFO
// queue; latency is its sojourn time.
func fifo() Case {
	c := Case{Name: "fifo", Title: "Buffered starts (buffer-all), no throttle: an M/G/1 FIFO queue",
		Formula: "latency = sojourn time: M/M/1 Exp(μ−λ); M/D/1 P(T ≤ t) = (1−ρ)·G(t/D − 1)"}
	const lambda, mean = 0.3, 2.0
	for _, law := range []Law{Exponential(mean), Constant(mean)} {
		rho := lambda * law.Mean
		var q func(p float64) float64
		if law.Name == "exponential" {
			q = func(p float64) float64 { return -math.Log(1-p) / (1/law.Mean - lambda) }
		} else {
			q = func(p float64) float64 {
				cdf := func(t float64) float64 { return (1 - rho) * MD1Shape(rho, t/law.Mean-1) }
				// Bracket from t = 2D, doubling: the series of MD1Shape
				// is accurate only for moderate t/D.
				lo, hi := law.Mean, 2*law.Mean
				for cdf(hi) < p {
					lo, hi = hi, 2*hi
				}
				for range 100 {
					mid := (lo + hi) / 2
					if cdf(mid) < p {
						lo = mid
					} else {
						hi = mid
					}
				}
				return (lo + hi) / 2
			}
		}
		c.Points = append(c.Points, Point{
			Label:   fmt.Sprintf("λ=%g/h, D %s mean %gh (ρ=%.3g)", lambda, law.Name, law.Mean, rho),
			Days:    requestsDays(10000, lambda),
			Service: service(noSchedule, noThrottle, noSkip, "{on_demand: buffer-all}", law, allSucceed),
			Rate:    lambda,
			Checks: []Check{
				{Metric: "latency_p50", What: "median latency (h)", Digits: 3, Per: constant(3600), Exact: constant(q(0.5))},
				{Metric: "latency_p95", What: "p95 latency (h)", Digits: 3, Per: constant(3600), Exact: constant(q(0.95))},
			},
		})
	}
	return c
}

// schedule: scheduled runs alone, each completing with probability p:
// successes are a renewal process with geometric gaps.
func schedule() Case {
	const period, d = 12.0, 1.0
	c := Case{Name: "schedule", Title: "A schedule alone, runs failing at random: geometric renewal",
		Formula: "freshness_mean = P(2−p)/(2p); E[runs_per_day] = p·#{runs finished before the end}/days"}
	for _, p := range []float64{0.5, 0.8} {
		sched := fmt.Sprintf("{kind: every, every: %s, anchor: 2025-01-06T02:00:00Z}", dur(period))
		m1, m2 := GeometricSum(p, period, period*period)
		c.Points = append(c.Points, Point{
			Label:   fmt.Sprintf("P=%gh, D=%gh, p=%g", period, d, p),
			Days:    2000,
			Service: service(sched, noThrottle, noSkip, "{scheduled: skip}", Constant(d), fmt.Sprintf("{completed: %g, failed: %g}", p, 1-p)),
			Checks: []Check{
				{Metric: "freshness_mean", What: "mean freshness (h)", Digits: 3, Per: constant(3600), Exact: constant(RenewalAge(m1, m2))},
				{Metric: "runs_per_day", What: "successful runs a day", Digits: 4, Exact: func(h float64) float64 {
					n := 0 // runs at 2h + kP whose finish falls before the end
					for t := 2.0; t+d < h; t += period {
						n++
					}
					return p * float64(n) / (h / 24)
				}},
			},
		})
	}
	return c
}

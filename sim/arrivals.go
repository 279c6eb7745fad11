package sim

import (
	"math/rand/v2"
	"time"
)

// Arrivals is a process of request instants for one client.
type Arrivals interface {
	// Next returns the instant of request number k (0 for the first),
	// given the instant prev of request k-1 (the start of the run for
	// k = 0) and the client's own random stream. ok is false when the
	// process has no more requests. Instants must not decrease.
	Next(k int, prev time.Time, rng *rand.Rand) (t time.Time, ok bool)
	// String describes the process for reports.
	String() string
}

// At is a list of explicit request instants, in increasing order.
type At []time.Time

// Next implements Arrivals.
func (a At) Next(k int, _ time.Time, _ *rand.Rand) (time.Time, bool) {
	if k >= len(a) {
		return time.Time{}, false
	}
	return a[k], true
}

func (a At) String() string { return "explicit times (" + itoa(len(a)) + ")" }

// Periodic sends a request every Every, the first at First, each delayed by
// a uniform draw in [0, Jitter) taken to the millisecond.
type Periodic struct {
	First  time.Time
	Every  time.Duration
	Jitter time.Duration
}

// Next implements Arrivals.
func (p Periodic) Next(k int, _ time.Time, rng *rand.Rand) (time.Time, bool) {
	t := time.UnixMilli(p.First.UnixMilli() + int64(k)*p.Every.Milliseconds()).UTC()
	if j := p.Jitter.Milliseconds(); j > 0 {
		t = t.Add(time.Duration(rng.Int64N(j)) * time.Millisecond)
	}
	return t, true
}

func (p Periodic) String() string {
	s := "periodic every " + fmtDur(p.Every) + " from " + p.First.Format(time.RFC3339)
	if p.Jitter > 0 {
		s += ", jitter " + fmtDur(p.Jitter)
	}
	return s
}

// Poisson sends requests at exponentially distributed gaps with mean
// 1/Rate, taken to the millisecond (gaps of zero are kept: two requests may
// arrive in the same millisecond).
type Poisson struct {
	Rate float64 // requests per hour
}

// Next implements Arrivals.
func (p Poisson) Next(_ int, prev time.Time, rng *rand.Rand) (time.Time, bool) {
	gapMs := rng.ExpFloat64() / p.Rate * 3_600_000
	return time.UnixMilli(prev.UnixMilli() + int64(gapMs)).UTC(), true
}

func (p Poisson) String() string { return "poisson, " + ftoa(p.Rate) + " per hour" }

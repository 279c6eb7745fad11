package metrics

import (
	"math"
	"time"

	"runsim/sim"
)

// The age of the data: the time since the last successful run finished,
// time-weighted over the run.
func init() {
	declare(400, &measure{
		kinds: []sim.Kind{sim.RunFinished},
		start: func(start, from, _ time.Time) measurement { return &freshness{age: newAgeStatsFrom(start, from)} },
	},
		Metric{"freshness_mean", Duration, "mean freshness", "time since the last successful run finished, time-weighted mean",
			seconds(func(s Summary) time.Duration { return s.Freshness.Mean })},
		Metric{"freshness_p50", Duration, "median freshness", "time since the last successful run finished, time-weighted median",
			seconds(func(s Summary) time.Duration { return s.Freshness.P50 })},
		Metric{"freshness_p95", Duration, "p95 freshness", "time since the last successful run finished, time-weighted 95th percentile",
			seconds(func(s Summary) time.Duration { return s.Freshness.P95 })},
		Metric{"freshness_max", Duration, "max freshness", "longest time since the last successful run finished",
			seconds(func(s Summary) time.Duration { return s.Freshness.Max })},
	)
}

// freshness measures the age of the data from successful run finishes,
// up to the end of the run.
type freshness struct{ age ageStats }

func (f *freshness) observe(e *sim.Event) {
	if e.RunStatus.Succeeded() {
		f.age.refresh(e.At)
	}
}

// warm keeps the last successful finish of the warm-up: the age the data
// have when measurement starts.
func (f *freshness) warm(e *sim.Event) { f.observe(e) }

func (f *freshness) summarise(s *Summary, _ *tally) { s.Freshness = f.age.result(s.End) }

// Freshness summarises the age of the data over a run: the time since the
// last successful run finished, weighted by how long each age lasted. The
// data are taken as fresh at the start of the run.
type Freshness struct {
	Mean, P50, P95, Max time.Duration
}

// ageStats accumulates the sawtooth of data age. Between two successful run
// finishes the age rises linearly from 0 to the gap L, so over the run the
// age is a mixture of uniform distributions on [0, L_i), weighted by L_i.
// The gaps are kept in a sketch: exactly for short runs, then in bins 0.1%
// wide, so memory is bounded whatever the horizon, and quantiles are exact
// while the gaps are few (or equal) and within 0.1% otherwise.
//
// With a warm-up, only the ages after from are measured: the gap across
// from is a head, the ages from its age at from (a0) to its end (a1), a
// uniform distribution on [a0, a1) weighted by a1-a0.
type ageStats struct {
	last      int64    // Unix ms of the last successful finish (or the start)
	from      int64    // Unix ms from which ages are measured
	head      [2]int64 // the gap across from: ages a0, a1 (a0 > 0); zero: none
	total     float64
	sumSquare float64 // Σ L², in ms²
	max       int64
	gaps      sketch
}

type gapBin struct {
	n   int64
	sum float64 // ms
}

const binBase = 1.001

func newAgeStats(start time.Time) ageStats { return newAgeStatsFrom(start, start) }

// newAgeStatsFrom measures ages from from on, the data taken as fresh at
// start.
func newAgeStatsFrom(start, from time.Time) ageStats {
	return ageStats{last: start.UnixMilli(), from: from.UnixMilli()}
}

func (a *ageStats) refresh(t time.Time) {
	ms := t.UnixMilli()
	switch {
	case ms <= a.from: // in the warm-up: only the last finish matters
	case a.last < a.from:
		a.head = [2]int64{a.from - a.last, ms - a.last}
		a.max = max(a.max, a.head[1])
	default:
		a.add(ms - a.last)
	}
	a.last = ms
}

func (a *ageStats) add(gap int64) {
	if gap <= 0 {
		return
	}
	g := float64(gap)
	a.total += g
	a.sumSquare += g * g
	a.max = max(a.max, gap)
	a.gaps.add(g)
}

// result closes the last gap at end and returns the summary; a is not
// changed, so a run can be summarised at any instant.
func (a *ageStats) result(end time.Time) Freshness {
	total, sumSquare, longest := a.total, a.sumSquare, a.max
	open := 0.0
	head := a.head
	if e := end.UnixMilli(); a.last < a.from {
		if e > a.from { // no finish since from: the open gap is the head
			head = [2]int64{a.from - a.last, e - a.last}
		}
	} else if gap := e - a.last; gap > 0 {
		open = float64(gap)
		total += open
		sumSquare += open * open
		longest = max(longest, gap)
	}
	if head[1] > 0 {
		a0, a1 := float64(head[0]), float64(head[1])
		total += a1 - a0
		sumSquare += a1*a1 - a0*a0
		longest = max(longest, head[1])
	}
	if total == 0 {
		return Freshness{}
	}
	var q []float64
	if head[1] > 0 {
		q = a.gaps.headQuantiles(total, open, float64(head[0]), float64(head[1]), float64(longest), 0.5, 0.95)
	} else {
		q = a.gaps.weightedQuantiles(total, open, 0.5, 0.95)
	}
	return Freshness{
		Mean: ms(sumSquare / (2 * total)),
		P50:  ms(q[0]),
		P95:  ms(q[1]),
		Max:  time.Duration(longest) * time.Millisecond,
	}
}

func (b gapBin) mean() float64 { return b.sum / float64(b.n) }

// quantile solves Σ min(L_i, x) = q·total for x, over entries sorted by
// mean, the gaps of each entry taken at their mean length.
func quantile(q, total float64, entries []gapBin) float64 {
	target := q * total
	var below float64 // Σ of the gaps in entries already passed
	var above int64   // how many gaps are in the entries still to come
	for _, b := range entries {
		above += b.n
	}
	for _, b := range entries {
		if below+b.mean()*float64(above) >= target {
			return (target - below) / float64(above)
		}
		below += b.sum
		above -= b.n
	}
	return entries[len(entries)-1].mean() // only for q > 1
}

func ms(v float64) time.Duration { return time.Duration(math.Round(v)) * time.Millisecond }

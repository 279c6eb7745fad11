package reports

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// Freshness summarises the age of the data over a run: the time since the
// last successful run finished, weighted by how long each age lasted. The
// data are taken as fresh at the start of the run.
type Freshness struct {
	Mean, P50, P95, Max time.Duration
}

// ageStats accumulates the sawtooth of data age. Between two successful run
// finishes the age rises linearly from 0 to the gap L, so over the run the
// age is a mixture of uniform distributions on [0, L_i), weighted by L_i.
// The gaps are kept in logarithmic bins 0.1% wide (count and exact sum per
// bin), so memory is bounded by the number of bins, not the horizon, and
// quantiles are exact when the gaps in a bin are equal and within 0.1%
// otherwise.
type ageStats struct {
	last      int64 // Unix ms of the last successful finish (or the start)
	total     float64
	sumSquare float64 // Σ L², in ms²
	max       int64
	bins      map[int32]gapBin
}

type gapBin struct {
	n   int64
	sum float64 // ms
}

const binBase = 1.001

func newAgeStats(start time.Time) ageStats {
	return ageStats{last: start.UnixMilli(), bins: map[int32]gapBin{}}
}

func (a *ageStats) refresh(t time.Time) {
	ms := t.UnixMilli()
	a.add(ms - a.last)
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
	k := int32(math.Floor(math.Log(g) / math.Log(binBase)))
	b := a.bins[k]
	b.n++
	b.sum += g
	a.bins[k] = b
}

// result closes the last gap at end and returns the summary; a is not
// changed, so a run can be summarised at any instant.
func (a *ageStats) result(end time.Time) Freshness {
	entries := make([]gapBin, 0, len(a.bins)+1)
	for _, b := range a.bins {
		entries = append(entries, b)
	}
	total, sumSquare, longest := a.total, a.sumSquare, a.max
	if open := end.UnixMilli() - a.last; open > 0 {
		g := float64(open)
		total += g
		sumSquare += g * g
		longest = max(longest, open)
		entries = append(entries, gapBin{n: 1, sum: g})
	}
	if total == 0 {
		return Freshness{}
	}
	// A total order, so that sums are added in the same order every time.
	slices.SortFunc(entries, func(x, y gapBin) int {
		return cmp.Or(cmp.Compare(x.mean(), y.mean()), cmp.Compare(x.n, y.n), cmp.Compare(x.sum, y.sum))
	})
	return Freshness{
		Mean: ms(sumSquare / (2 * total)),
		P50:  ms(quantile(0.5, total, entries)),
		P95:  ms(quantile(0.95, total, entries)),
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

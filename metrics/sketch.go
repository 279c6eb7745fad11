package metrics

import (
	"cmp"
	"math"
	"slices"
)

// exactLimit is how many values a sketch keeps exactly before it moves to
// logarithmic bins.
const exactLimit = 4096

// sketch keeps a distribution of positive values: exactly while there are
// few (a short run), then in logarithmic bins 0.1% wide (count and exact
// sum per bin), so that memory is bounded by the number of bins, not of
// values, and quantiles stay within 0.1%.
type sketch struct {
	n     int64
	exact []float64
	bins  map[int32]gapBin
}

func binOf(v float64) int32 {
	if v <= 0 {
		return math.MinInt32
	}
	return int32(math.Floor(math.Log(v) / math.Log(binBase)))
}

func (s *sketch) add(v float64) {
	s.n++
	if s.bins == nil {
		s.exact = append(s.exact, v)
		if len(s.exact) <= exactLimit {
			return
		}
		s.bins = make(map[int32]gapBin, 2*exactLimit)
		for _, x := range s.exact {
			s.addBin(x)
		}
		s.exact = nil
		return
	}
	s.addBin(v)
}

func (s *sketch) addBin(v float64) {
	k := binOf(v)
	b := s.bins[k]
	b.n++
	b.sum += v
	s.bins[k] = b
}

// entries returns the values as (count, sum) entries sorted by mean, in a
// total order so that sums are always added in the same order.
func (s *sketch) entries(extra ...float64) []gapBin {
	out := make([]gapBin, 0, len(s.exact)+len(s.bins)+len(extra))
	for _, v := range s.exact {
		out = append(out, gapBin{n: 1, sum: v})
	}
	for _, b := range s.bins {
		out = append(out, b)
	}
	for _, v := range extra {
		out = append(out, gapBin{n: 1, sum: v})
	}
	slices.SortFunc(out, func(x, y gapBin) int {
		return cmp.Or(cmp.Compare(x.mean(), y.mean()), cmp.Compare(x.n, y.n), cmp.Compare(x.sum, y.sum))
	})
	return out
}

// quantiles returns the q-quantiles (0 <= q <= 1) of the values, NaN when
// there are none. Exact values are sorted in place, once.
func (s *sketch) quantiles(qs ...float64) []float64 {
	out := make([]float64, len(qs))
	if s.n == 0 {
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	rank := func(q float64) int64 { return max(int64(math.Ceil(q*float64(s.n))), 1) }
	if s.bins == nil {
		slices.Sort(s.exact)
		for i, q := range qs {
			out[i] = s.exact[rank(q)-1]
		}
		return out
	}
	es := s.entries()
	for i, q := range qs {
		var seen int64
		out[i] = es[len(es)-1].mean()
		for _, b := range es {
			if seen += b.n; seen >= rank(q) {
				out[i] = b.mean()
				break
			}
		}
	}
	return out
}

// weightedQuantiles solves Σ min(L_i, x) = q·total for x, for each q: the
// time-weighted quantiles of a sawtooth whose gaps L_i are the values, with
// one more gap (open, zero for none).
func (s *sketch) weightedQuantiles(total, open float64, qs ...float64) []float64 {
	out := make([]float64, len(qs))
	if s.bins != nil {
		var extra []float64
		if open > 0 {
			extra = append(extra, open)
		}
		es := s.entries(extra...)
		for i, q := range qs {
			out[i] = quantile(q, total, es)
		}
		return out
	}
	slices.Sort(s.exact)
	n := len(s.exact)
	if open > 0 {
		n++
	}
	for i, q := range qs {
		target := q * total
		below, above := 0.0, n // Σ of gaps passed, and how many remain
		j, usedOpen := 0, open <= 0
		out[i] = 0
		for above > 0 {
			var g float64
			if !usedOpen && (j == len(s.exact) || open < s.exact[j]) {
				g, usedOpen = open, true
			} else {
				g = s.exact[j]
				j++
			}
			if below+g*float64(above) >= target {
				out[i] = (target - below) / float64(above)
				break
			}
			below += g
			above--
			out[i] = g
		}
	}
	return out
}

// headQuantiles is weightedQuantiles with one more stretch of the
// sawtooth: a head, ages from a0 to a1 (the gap across a warm-up's end,
// measured from it). It solves Σ min(L_i, x) + min(open, x) +
// clamp(x-a0, 0, a1-a0) = q·total for x by bisection on [0, hi]: the
// left side is continuous and non-decreasing in x.
func (s *sketch) headQuantiles(total, open, a0, a1, hi float64, qs ...float64) []float64 {
	var es []gapBin
	if s.bins != nil {
		es = s.entries()
	} else {
		es = make([]gapBin, len(s.exact))
		for i, v := range s.exact {
			es[i] = gapBin{n: 1, sum: v}
		}
	}
	below := func(x float64) float64 {
		f := min(open, x) + min(max(x-a0, 0), a1-a0)
		for _, b := range es {
			f += float64(b.n) * min(b.mean(), x)
		}
		return f
	}
	out := make([]float64, len(qs))
	for i, q := range qs {
		target := q * total
		lo, up := 0.0, hi
		for range 200 {
			mid := (lo + up) / 2
			if mid == lo || mid == up {
				break
			}
			if below(mid) >= target {
				up = mid
			} else {
				lo = mid
			}
		}
		out[i] = up
	}
	return out
}

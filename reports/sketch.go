package reports

import (
	"cmp"
	"math"
	"slices"
)

// sketch keeps a distribution of positive values in logarithmic bins 0.1%
// wide (count and exact sum per bin), for quantiles within 0.1% in memory
// bounded by the number of bins, not the number of values.
type sketch struct {
	n    int64
	bins map[int32]gapBin
}

func (s *sketch) add(v float64) {
	if s.bins == nil {
		s.bins = map[int32]gapBin{}
	}
	s.n++
	k := int32(math.MinInt32)
	if v > 0 {
		k = int32(math.Floor(math.Log(v) / math.Log(binBase)))
	}
	b := s.bins[k]
	b.n++
	b.sum += v
	s.bins[k] = b
}

// quantile returns the q-quantile (0 <= q <= 1), each bin's values taken at
// their mean; NaN when empty.
func (s *sketch) quantile(q float64) float64 {
	if s.n == 0 {
		return math.NaN()
	}
	keys := make([]int32, 0, len(s.bins))
	for k := range s.bins {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare)
	rank := int64(math.Ceil(q * float64(s.n)))
	rank = max(rank, 1)
	var seen int64
	for _, k := range keys {
		b := s.bins[k]
		seen += b.n
		if seen >= rank {
			return b.mean()
		}
	}
	return s.bins[keys[len(keys)-1]].mean()
}

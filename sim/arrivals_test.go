package sim

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

func draw(t *testing.T, a Arrivals, from, to time.Time, seed uint64) []time.Time {
	t.Helper()
	rng := NewStream(seed, "client/test")
	var out []time.Time
	prev := from
	for k := 0; ; k++ {
		next, ok := a.Next(k, prev, rng)
		if !ok || !next.Before(to) {
			return out
		}
		require.False(t, next.Before(prev), "arrivals go back in time")
		out = append(out, next)
		prev = next
	}
}

// TestPoissonDailyCounts: at 2 requests an hour, the number of requests
// per day is Poisson with mean 48. A chi-square goodness-of-fit test of
// 2000 simulated days (seed 1) against that distribution does not reject
// at the 1% significance level.
func TestPoissonDailyCounts(t *testing.T) {
	const days, lambda = 2000, 48.0
	ts := draw(t, Poisson{Rate: 2}, t0, t0.Add(days*24*time.Hour), 1)
	perDay := make([]int, days)
	for _, x := range ts {
		perDay[int(x.Sub(t0)/(24*time.Hour))]++
	}
	// Bins [0,37], [38,41], ..., [58,61], [62,∞): each expects well over 5 days.
	edges := []int{38, 42, 46, 50, 54, 58, 62}
	bin := func(n int) int {
		for i, e := range edges {
			if n < e {
				return i
			}
		}
		return len(edges)
	}
	obs := make([]float64, len(edges)+1)
	for _, n := range perDay {
		obs[bin(n)]++
	}
	p := distuv.Poisson{Lambda: lambda}
	exp := make([]float64, len(obs))
	prev := 0.0
	for i := range exp {
		cdf := 1.0
		if i < len(edges) {
			cdf = p.CDF(float64(edges[i] - 1))
		}
		exp[i] = (cdf - prev) * days
		prev = cdf
	}
	for i, e := range exp {
		require.Greater(t, e, 5.0, "bin %d expects too few days for the test", i)
	}
	chi2 := stat.ChiSquare(obs, exp)
	critical := distuv.ChiSquared{K: float64(len(obs) - 1)}.Quantile(0.99)
	t.Logf("chi-square %.2f, critical value at 1%% with %d degrees of freedom %.2f; mean per day %.2f",
		chi2, len(obs)-1, critical, stat.Mean(toFloats(perDay), nil))
	assert.Less(t, chi2, critical, "daily counts do not fit Poisson(48)")
	assert.InDelta(t, lambda, stat.Mean(toFloats(perDay), nil), 4*math.Sqrt(lambda/days), "within 4 standard errors")
}

func toFloats(xs []int) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

func businessHours(t *testing.T) *Profile {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	var table [7][24]float64
	for d := time.Monday; d <= time.Friday; d++ {
		for h := 9; h < 17; h++ {
			table[d][h] = 4
		}
	}
	return NewProfile(ny, table)
}

func TestProfileKeepsToBusinessHours(t *testing.T) {
	p := businessHours(t)
	ts := draw(t, p, t0, t0.Add(365*24*time.Hour), 3) // a year, across both DST switches
	require.Greater(t, len(ts), 7000)
	for _, x := range ts {
		l := x.In(p.Location)
		require.True(t, l.Weekday() >= time.Monday && l.Weekday() <= time.Friday && l.Hour() >= 9 && l.Hour() < 17,
			"request at %s (%s) outside business hours", x, l)
	}
	// 4/h over 8h on about 261 weekdays: about 8350 requests.
	assert.InDelta(t, 4*8*261, float64(len(ts)), 4*math.Sqrt(4*8*261))
	none := NewProfile(time.UTC, [7][24]float64{})
	_, ok := none.Next(0, t0, NewStream(1, "x"))
	assert.False(t, ok, "a profile of zeros sends nothing")
}

func TestBursts(t *testing.T) {
	b := Bursts{First: at(9 * time.Hour), Every: 24 * time.Hour, Size: 3, Spacing: 10 * time.Second}
	ts := draw(t, b, t0, t0.Add(48*time.Hour), 1)
	want := []time.Time{at(9 * time.Hour), at(9*time.Hour + 10*time.Second), at(9*time.Hour + 20*time.Second),
		at(33 * time.Hour), at(33*time.Hour + 10*time.Second), at(33*time.Hour + 20*time.Second)}
	assert.Equal(t, want, ts)
	once := Bursts{First: at(time.Hour), Size: 2, Spacing: time.Second}
	assert.Len(t, draw(t, once, t0, t0.Add(48*time.Hour), 1), 2)
}

func TestPeriodicJitterStaysInItsSlot(t *testing.T) {
	p := Periodic{First: t0, Every: time.Hour, Jitter: 10 * time.Minute}
	for i, x := range draw(t, p, t0, t0.Add(500*time.Hour), 5) {
		d := x.Sub(at(time.Duration(i) * time.Hour))
		require.True(t, d >= 0 && d < 10*time.Minute, "request %d delayed %s", i, d)
	}
}

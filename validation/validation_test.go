package validation

import (
	"flag"
	"math"
	"os"
	"strings"
	"testing"

	"runsim/metrics"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

var long = flag.Bool("long", false, "also run the long form of the validation suite (a few minutes)")

// requireInside fails the test for every check whose exact value lies
// outside its simulated 95% interval.
func requireInside(t *testing.T, rs []Result) {
	t.Helper()
	require.NotEmpty(t, rs)
	for _, r := range rs {
		assert.True(t, r.Inside(), "%s, %s, %s: exact %.6g outside the simulated 95%% interval [%.6g, %.6g] (mean %.6g, z %+.2f)",
			r.Case, r.Point, r.What, r.Exact, r.Sim.Low, r.Sim.High, r.Sim.Mean, r.Z())
	}
}

// TestShort is the short form: every check of every case, each exact
// value inside the simulated 95% interval, at the suite's fixed seeds.
func TestShort(t *testing.T) {
	rs, err := RunAll(Cases(), Short, BaseSeed, 2)
	require.NoError(t, err)
	requireInside(t, rs)
	assert.NoError(t, Short.Judge(rs))
}

// TestLong is the long form, run with go test ./validation -long: at most
// AllowedOutside checks outside their interval, none beyond MaxZ.
func TestLong(t *testing.T) {
	if !*long {
		t.Skip("the long form runs with -long")
	}
	rs, err := RunAll(Cases(), Long, BaseSeed, 2)
	require.NoError(t, err)
	assert.NoError(t, Long.Judge(rs))
}

func TestJudge(t *testing.T) {
	assert.Equal(t, 6, AllowedOutside(44), "P(Binomial(44, 0.05) > 6) < 1% <= P(> 5)")
	assert.Equal(t, 0, AllowedOutside(0))
	assert.InDelta(t, 4.53, MaxZ(44, 20), 0.01)
	in := Result{Exact: 1, Sim: metrics.Interval{Mean: 1.1, Low: 0.9, High: 1.3, N: 20}}
	out := Result{Exact: 1, Sim: metrics.Interval{Mean: 1.5, Low: 1.3, High: 1.7, N: 20}} // z ≈ 5.2
	near := Result{Exact: 1, Sim: metrics.Interval{Mean: 1.25, Low: 1.05, High: 1.45, N: 20}}
	assert.NoError(t, Short.Judge([]Result{in, in}))
	assert.ErrorContains(t, Short.Judge([]Result{in, near}), "1 of 2 checks outside")
	assert.NoError(t, Long.Judge([]Result{in, near, in, in}))
	assert.ErrorContains(t, Long.Judge([]Result{in, out, in, in}), "beyond the Bonferroni bound")
	assert.ErrorContains(t, Long.Judge([]Result{near, near, in}), "more than the 1")
}

func TestResultsDoNotDependOnWorkers(t *testing.T) {
	c, err := Lookup("skip")
	require.NoError(t, err)
	one, err := Run(c, c.Points[0], Short, 1, 1)
	require.NoError(t, err)
	three, err := Run(c, c.Points[0], Short, 1, 3)
	require.NoError(t, err)
	assert.Equal(t, one, three)
}

func TestErlangB(t *testing.T) {
	direct := func(n int, a float64) float64 { // (aⁿ/n!) / Σ_{k≤n} a^k/k!
		term, sum := 1.0, 1.0
		for k := 1; k <= n; k++ {
			term *= a / float64(k)
			sum += term
		}
		return term / sum
	}
	for _, tc := range []struct {
		n int
		a float64
	}{{0, 3}, {1, 1}, {1, 0.25}, {5, 2.4}, {5, 6}, {12, 30}} {
		assert.InDelta(t, direct(tc.n, tc.a), ErlangB(tc.n, tc.a), 1e-12, "B(%d, %g)", tc.n, tc.a)
	}
	assert.Equal(t, 0.5, ErlangB(1, 1))
}

func TestMD1Shape(t *testing.T) {
	for _, x := range []float64{0, 0.3, 0.999} {
		assert.InDelta(t, math.Exp(0.7*x), MD1Shape(0.7, x), 1e-12, "below one service time, G(x) = e^{ρx}")
	}
	assert.Zero(t, MD1Shape(0.7, -1))
	// Below load 1, (1−ρ)G(x) is the M/D/1 workload distribution: it
	// tends to 1.
	assert.InDelta(t, 1, (1-0.5)*MD1Shape(0.5, 12), 1e-5)
	// G' = ρ(G(x) − G(x−1)), the level-crossing equation.
	const rho, x, h = 0.8, 2.5, 1e-6
	deriv := (MD1Shape(rho, x+h) - MD1Shape(rho, x-h)) / (2 * h)
	assert.InDelta(t, rho*(MD1Shape(rho, x)-MD1Shape(rho, x-1)), deriv, 1e-5)
}

func TestBoundedWorkloadBlocking(t *testing.T) {
	for _, rho := range []float64{0.2, 1, 3} {
		assert.InDelta(t, rho/(1+rho), BoundedWorkloadBlocking(rho, 1), 1e-12, "burst 1 is an M/D/1/1 loss system")
	}
	assert.InDelta(t, 0, BoundedWorkloadBlocking(0.5, 13), 1e-5, "a deep bucket under load 1/2 refuses almost nothing")
	assert.InDelta(t, 1-1/2.0, BoundedWorkloadBlocking(2, 12), 1e-6, "overloaded, it admits one per token")
	assert.Less(t, BoundedWorkloadBlocking(1.2, 5), BoundedWorkloadBlocking(1.2, 3), "a deeper bucket refuses less")
}

func TestPoissonExcess(t *testing.T) {
	for _, tc := range []struct {
		m float64
		n int
	}{{3.6, 5}, {6, 5}, {3, 2}, {0.5, 0}} {
		want, p := 0.0, math.Exp(-tc.m)
		for k := 0; k < 200; k++ {
			if k > tc.n {
				want += float64(k-tc.n) * p
			}
			p *= tc.m / float64(k+1)
		}
		assert.InDelta(t, want, PoissonExcess(tc.m, tc.n), 1e-12, "m=%g n=%d", tc.m, tc.n)
	}
}

func TestAttemptsBlocking(t *testing.T) {
	// Against a direct numerical integral of P(Poisson(λ·min(t, w)) ≥ n).
	const lambda, w, n, h = 0.5, 12.0, 5, 100.0
	sum, steps := 0.0, 400000
	for i := range steps {
		t := h * (float64(i) + 0.5) / float64(steps)
		sum += PoissonTail(lambda*math.Min(t, w), n) * h / float64(steps)
	}
	assert.InDelta(t, sum/h, AttemptsBlocking(lambda, w, n, h), 1e-9)
	assert.InDelta(t, PoissonTail(6, 5), AttemptsBlocking(lambda, w, n, 1e9), 1e-8, "the stationary value for long horizons")
	assert.InDelta(t, 1-math.Exp(-6)*(1+6+18+36+54), PoissonTail(6, 5), 1e-12)
}

func TestGeometricSum(t *testing.T) {
	m1, m2 := GeometricSum(1, 3, 10)
	assert.Equal(t, []float64{3, 10}, []float64{m1, m2}, "p = 1: one cycle")
	m1, m2 = GeometricSum(0.5, 12, 144)
	assert.InDelta(t, 24, m1, 1e-12)
	assert.InDelta(t, 144*6, m2, 1e-9, "E[G²] = (2−p)/p² = 6")
	assert.InDelta(t, 18, RenewalAge(m1, m2), 1e-12)
}

func TestLaws(t *testing.T) {
	laws := []Law{Constant(2), Exponential(2), LogNormal(1.5, 0.8), Gamma(0.5, 2)}
	for _, l := range laws {
		assert.InDelta(t, l.Mean, l.MeanMin(1e6), 1e-6, "%s: E[min(D, ∞)] = E[D]", l.Name)
		assert.Less(t, l.MeanMin(1), math.Min(l.Mean, 1)+1e-12, "%s", l.Name)
	}
	// E[min(D, w)] = ∫₀^w P(D > x) dx = ∫₀^√w P(D > u²)·2u du (smooth at 0
	// even for gamma shape 1/2), by Simpson's rule.
	integral := func(survival func(float64) float64, w float64) float64 {
		const n = 2000
		h := math.Sqrt(w) / n
		f := func(u float64) float64 { return survival(u*u) * 2 * u }
		sum := f(0) + f(math.Sqrt(w))
		for i := 1; i < n; i++ {
			sum += float64(2+2*(i%2)) * f(float64(i)*h)
		}
		return sum * h / 3
	}
	const w = 4.0
	assert.InDelta(t, integral(distuv.LogNormal{Mu: math.Log(1.5), Sigma: 0.8}.Survival, w), LogNormal(1.5, 0.8).MeanMin(w), 1e-9)
	assert.InDelta(t, integral(distuv.Gamma{Alpha: 0.5, Beta: 0.25}.Survival, w), Gamma(0.5, 2).MeanMin(w), 1e-9)
	assert.InDelta(t, integral(func(x float64) float64 { return math.Exp(-x / 2) }, w), Exponential(2).MeanMin(w), 1e-9)
}

func TestCalibratedLawsShareTheTruncatedMean(t *testing.T) {
	c, err := Lookup("insensitivity")
	require.NoError(t, err)
	var exact []float64
	for _, p := range c.Points {
		exact = append(exact, p.Checks[0].Exact(0))
	}
	for _, e := range exact[1:] {
		assert.InDelta(t, exact[0], e, 1e-6, "every law has the same E[min(D, W)], so the same blocking")
	}
}

func TestEveryPointLoads(t *testing.T) {
	for _, c := range Cases() {
		for _, p := range c.Points {
			s, err := p.Scenario(Short, 1)
			require.NoError(t, err, "%s %s", c.Name, p.Label)
			assert.Equal(t, p.Days, int(int64(*s.File.Horizon)/86_400_000), "%s %s", c.Name, p.Label)
		}
	}
	_, err := Lookup("nope")
	assert.ErrorContains(t, err, `unknown case "nope"`)
}

func TestScanTable(t *testing.T) {
	miss := Result{Case: "c", Point: "p", What: "w", Exact: 1, Sim: metrics.Interval{Mean: 2, Low: 1.5, High: 2.5, N: 20}}
	text := ScanTable(Short, []ScanRow{{Base: 0, Checks: 10}, {Base: 1000, Checks: 10, Missing: []Result{miss}}})
	assert.Contains(t, text, "1 of 20 checks outside their 95% interval (5.0 %")
	assert.Contains(t, text, "| 1000 | 1 of 10 | c p, w (+")
	doc := []byte(BeginScanMarker + "\n" + EndScanMarker + "\n")
	out, err := ReplaceScan(doc, text)
	require.NoError(t, err)
	assert.Contains(t, string(out), "| 0 | 0 of 10 |  |")
}

func TestReplaceTable(t *testing.T) {
	doc := []byte("intro\n" + BeginMarker + "\nold\n" + EndMarker + "\nend\n")
	out, err := ReplaceTable(doc, "| new |\n")
	require.NoError(t, err)
	assert.Equal(t, "intro\n"+BeginMarker+"\n| new |\n"+EndMarker+"\nend\n", string(out))
	_, err = ReplaceTable([]byte("no markers"), "x")
	assert.Error(t, err)
}

// TestDocumentTable checks that docs/VALIDATION.md's generated table has
// one row for every check of every point (it is rewritten by
// go run ./validation/cmd/validation-table).
func TestDocumentTable(t *testing.T) {
	doc, err := os.ReadFile("../docs/VALIDATION.md")
	require.NoError(t, err)
	text := string(doc)
	i, j := strings.Index(text, BeginMarker), strings.Index(text, EndMarker)
	require.True(t, i >= 0 && j > i, "the table markers")
	table := text[i:j]
	rows := 0
	for _, c := range Cases() {
		for _, p := range c.Points {
			for _, ch := range p.Checks {
				rows++
				assert.Contains(t, table, "| "+c.Name+" | "+p.Label+" | ", "a row for %s %s", c.Name, p.Label)
				assert.Contains(t, table, " | "+ch.What+" | ")
			}
		}
	}
	assert.Equal(t, rows, strings.Count(table, "\n| ")-1, "one row per check, after the header")
}

package fit_test

import (
	"context"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/fit"
	"runsim/scenario"
	"runsim/serve"
)

// documented is the most literal reading of every open question.
var documented = fit.Reading{
	"service.throttle.kind":        "sliding",
	"service.throttle.counts":      "successful",
	"service.throttle.reserve":     "true",
	"service.throttle.scheduled":   "throttled",
	"service.throttle.refusal":     "429",
	"service.throttle.retry_after": "exact",
	"service.skip.kind":            "next-within",
	"service.overlap.on_demand":    "reject",
}

// with is the documented reading with some answers changed.
func with(kv ...string) fit.Reading {
	r := fit.Reading{}
	for k, v := range documented {
		r[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		r[kv[i]] = kv[i+1]
	}
	return r.Normalize(fit.Dimensions)
}

var (
	planOnce sync.Once
	plan     *fit.Plan
	planBase *scenario.Scenario
	planErr  error
)

// designed is the plan of the end-to-end test, designed once against
// every reading.
func designed(t *testing.T) (*fit.Plan, *scenario.Scenario) {
	planOnce.Do(func() {
		planBase, planErr = scenario.Load("testdata/probe-base.yaml")
		if planErr == nil {
			plan, planErr = fit.Design(fit.PlanOptions{Base: planBase, Budget: 8})
		}
	})
	require.NoError(t, planErr)
	return plan, planBase
}

// TestProbeThenFit configures the emulator with one reading, carries the
// plan out against it, and fits the readings to what it answered: the
// configured reading is consistent, and every reading the plan tells
// apart from it is not.
func TestProbeThenFit(t *testing.T) {
	p, base := designed(t)
	cases := map[string]fit.Reading{
		"documented":              with(),
		"token bucket":            with("service.throttle.kind", "token-bucket"),
		"gcra":                    with("service.throttle.kind", "gcra"),
		"fixed windows":           with("service.throttle.kind", "fixed", "service.throttle.anchor", "2025-01-06T02:00:00Z"),
		"no throttle":             with("service.throttle.kind", "none"),
		"scheduled not counted":   with("service.throttle.scheduled", "not-counted"),
		"scheduled never refused": with("service.throttle.scheduled", "counted"),
		"attempts count":          with("service.throttle.counts", "attempts"),
		"no Retry-After":          with("service.throttle.retry_after", "none"),
		"202 then failed":         with("service.throttle.refusal", "accepted-then-failed"),
		"no skip":                 with("service.skip.kind", "none"),
		"re-anchor":               with("service.skip.kind", "re-anchor"),
		"buffer one":              with("service.overlap.on_demand", "buffer-one", "service.skip.from", "request"),
		"concurrent":              with("service.overlap.on_demand", "concurrent"),
	}
	token, err := serve.NewToken(serve.TokenOptions{Roles: []string{serve.PermRunStart, serve.PermRunReadAll}})
	require.NoError(t, err)
	for name, configured := range cases {
		t.Run(name, func(t *testing.T) {
			s, err := base.With(configured.Overrides()...)
			require.NoError(t, err)
			emu, err := serve.New(s, serve.Options{})
			require.NoError(t, err)
			ts := httptest.NewServer(emu)
			defer ts.Close()

			out, err := fit.Execute(context.Background(), p, fit.Endpoint{BaseURL: ts.URL + "/beta",
				Token: func(context.Context) (string, error) { return token, nil }})
			require.NoError(t, err)
			require.True(t, out.Emulator)
			runs, err := fit.ReadRuns("runs.json", out.Runs)
			require.NoError(t, err)

			res, err := fit.Fit(fit.Log{Requests: out.Requests, Runs: runs, Until: out.Until}, fit.Options{Base: base})
			require.NoError(t, err)
			consistent := map[string]bool{}
			for _, r := range res.Readings() {
				consistent[r.Key()] = true
			}
			require.True(t, consistent[configured.Key()], "the configured reading %s is not consistent; first contradictions: %v", configured.Key(), firsts(res, configured))
			for _, g := range p.Groups {
				for _, r := range g.Readings {
					if p.Separated(configured, r) {
						require.False(t, consistent[r.Key()], "%s is consistent, but the plan tells it apart from %s", r.Key(), configured.Key())
					}
				}
			}
		})
	}
}

func firsts(res *fit.Result, r fit.Reading) string {
	for _, v := range res.Inconsistent {
		if v.Reading.Key() == r.Key() {
			return v.First.String()
		}
	}
	return "none"
}

func fitExample(t *testing.T) *fit.Result {
	t.Helper()
	base, err := scenario.Load("testdata/probe-base.yaml")
	require.NoError(t, err)
	f, err := os.Open("testdata/example-requests.csv")
	require.NoError(t, err)
	defer f.Close()
	reqs, err := fit.ReadRequests("testdata/example-requests.csv", f)
	require.NoError(t, err)
	data, err := os.ReadFile("testdata/example-runs.json")
	require.NoError(t, err)
	runs, err := fit.ReadRuns("testdata/example-runs.json", data)
	require.NoError(t, err)
	until, _ := time.Parse(time.RFC3339, "2025-01-07T02:07:00Z")
	res, err := fit.Fit(fit.Log{Requests: reqs, Runs: runs, Until: until}, fit.Options{Base: base})
	require.NoError(t, err)
	return res
}

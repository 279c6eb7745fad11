package check

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/metrics"
	"runsim/policy"
	"runsim/scenario"
	"runsim/sim"
)

// base: five hourly starts accepted, the sixth at 5h throttled for 7h and
// retried at 12h; no schedule; 10 minute runs that complete.
var base = simtest.Scenario("base", "1d") + `service:
  schedule: {kind: none}
  run:
    duration: {dist: constant, value: 10m}
    outcomes: {completed: 1}
clients:
  - name: admin
    arrivals: {at: [0s, 1h, 2h, 3h, 4h, 5h]}
    on_throttle: {retry: after-retry-after, max_attempts: 2}
expect:
`

// scheduled: runs at 02:00 and 14:00, a request at 04:00 skips 14:00.
var scheduled = simtest.Scenario("sched", "1d") + `service:
  schedule: {every: 12h, anchor: 2025-01-06T02:00:00Z}
  run:
    duration: {dist: constant, value: 1h}
    outcomes: {completed: 1}
clients:
  - name: admin
    arrivals: {at: [4h]}
expect:
`

func runYAML(t *testing.T, yaml string) *Result {
	t.Helper()
	s, err := scenario.Parse("t.yaml", []byte(yaml))
	require.NoError(t, err)
	res, err := Run(s, Options{})
	require.NoError(t, err)
	return res
}

func TestExpectationKinds(t *testing.T) {
	tests := []struct {
		name, base, pass, fail string
	}{
		{"count eq", base, "{name: x, count: accepted, eq: 6}", "{name: x, count: accepted, eq: 5}"},
		{"count max", base, "{name: x, count: throttled, max: 1}", "{name: x, count: request-arrived, max: 6}"},
		{"count min with filter", base, "{name: x, count: request-arrived, client: admin, attempt: 2, min: 1}", "{name: x, count: request-arrived, attempt: 2, min: 2}"},
		{"count by status", base, "{name: x, count: operation-changed, status: succeeded, eq: 6}", "{name: x, count: run-finished, status: failed, min: 1}"},
		{"request answer", base, "{name: x, request: 5h, answer: throttled, retry_after: 7h}", "{name: x, request: 5h, answer: throttled, retry_after: 6h}"},
		{"request accepted", base, "{name: x, request: 12h, attempt: 2, answer: accepted}", "{name: x, request: 12h, answer: conflict}"},
		{"request that never came", base, "{name: x, request: 4h, answer: accepted}", "{name: x, request: 4h30m, answer: accepted}"},
		{"scheduled skipped", scheduled, "{name: x, scheduled: 14h, outcome: skipped, reason: on-demand, cause: 4h}", "{name: x, scheduled: 14h, outcome: skipped, reason: on-demand, cause: 3h}"},
		{"scheduled ran", scheduled, "{name: x, scheduled: 2h, outcome: ran}", "{name: x, scheduled: 14h, outcome: ran}"},
		{"scheduled not due", scheduled, "{name: x, scheduled: 2025-01-06T02:00:00Z, outcome: ran}", "{name: x, scheduled: 3h, outcome: ran}"},
		{"none in a span", base, "{name: x, none: run-started, from: 5h, to: 12h}", "{name: x, none: run-started, from: 5h, to: 12h1s}"},
		{"invariant throttle-window", base, "{name: x, invariant: throttle-window}", ""},
		{"invariant skip-lookahead", scheduled, "{name: x, invariant: skip-lookahead}", ""},
		{"invariant one-operation", base, "{name: x, invariant: one-operation}", ""},
		{"invariant operations-in-order", base, "{name: x, invariant: operations-in-order}", ""},
		{"metric max", scheduled, "{name: x, metric: freshness_max, max: 19h}", "{name: x, metric: freshness_max, max: 18h59m59s}"},
		{"metric fraction", base, "{name: x, metric: throttled_fraction, max: 15%}", "{name: x, metric: throttled_fraction, max: 10%}"},
		{"metric min", base, "{name: x, metric: accepted, min: 6}", "{name: x, metric: accepted, min: 7}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runYAML(t, tc.base+"  - "+tc.pass+"\n")
			assert.True(t, res.Passed(), "%v", res.Failures())
			if tc.fail != "" {
				res = runYAML(t, tc.base+"  - "+tc.fail+"\n")
				require.False(t, res.Passed(), "the failing variant passed")
				assert.Len(t, res.Failures(), 1)
			}
		})
	}
}

// The invariants are violated only by policies other than the ones they
// describe: run them against such policies.
func TestInvariantsFail(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"throttle-window with scheduled runs counted but never refused",
			strings.Replace(scheduled, "  schedule: {every: 12h, anchor: 2025-01-06T02:00:00Z}",
				"  schedule: {every: 1d, anchor: 2025-01-06T14:00:00Z}\n  throttle: {limit: 1, scheduled: counted}\n  skip: {kind: none}", 1) +
				"  - {name: w, invariant: throttle-window}\n",
			"nothing the run can be held to: the throttle's reading in force makes no promise: scheduled runs count toward the throttle " +
				"but are never refused (scheduled: counted), so they can fill a window past its capacity"},
		{"skip-lookahead with no skip rule",
			strings.Replace(scheduled, "  run:", "  skip: {kind: none}\n  run:", 1) + "  - {name: s, invariant: skip-lookahead}\n",
			"nothing the run can be held to: the skip rule in force makes no promise: on-demand starts never skip a scheduled run"},
		{"skip-lookahead with a lookahead of 0",
			strings.Replace(scheduled, "  run:", "  skip: {kind: next-within, lookahead: 0s}\n  run:", 1) + "  - {name: s, invariant: skip-lookahead}\n",
			"nothing the run can be held to: the skip rule in force makes no promise: a lookahead of 0s skips no scheduled run"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runYAML(t, tc.yaml)
			require.Len(t, res.Failures(), 1)
			assert.Equal(t, tc.want, res.Failures()[0].Got)
		})
	}
}

// TestFailureMessageWordForWord pins one failure message whole, context
// included.
func TestFailureMessageWordForWord(t *testing.T) {
	res := runYAML(t, base+"  - {name: the sixth is throttled for 6h, request: 5h, client: admin, answer: throttled, retry_after: 6h}\n")
	require.Len(t, res.Failures(), 1)
	want := `expectation "the sixth is throttled for 6h": expected the request of client admin at 2025-01-06T05:00:00Z to be throttled with Retry-After 6h; got throttled with Retry-After 7h
events around it (seed 1):
    2025-01-06T04:00:00Z operation-changed client=admin operation=e17b6d14-7da1-82da-bd64-a5d9adefe000 status=running
    2025-01-06T04:10:00Z run-finished run=5 trigger=onDemand operation=e17b6d14-7da1-82da-bd64-a5d9adefe000 status=completed
    2025-01-06T04:10:00Z operation-changed client=admin operation=e17b6d14-7da1-82da-bd64-a5d9adefe000 status=succeeded
    2025-01-06T05:00:00Z request-arrived client=admin request=6 attempt=1
  > 2025-01-06T05:00:00Z throttled client=admin request=6 attempt=1 retry_after_s=25200
    2025-01-06T05:00:00Z retry-scheduled client=admin request=6 attempt=2 next=2025-01-06T12:00:00Z
    2025-01-06T12:00:00Z request-arrived client=admin request=6 attempt=2
    2025-01-06T12:00:00Z accepted client=admin request=6 attempt=2 operation=3b5b26b4-abed-c4ab-63cb-e1e459320dd7 location=/external/industryData/operations/3b5b26b4-abed-c4ab-63cb-e1e459320dd7`
	assert.Equal(t, want, res.Failures()[0].Error())
}

func TestMetricsWithReplicationsUseTheConfidenceInterval(t *testing.T) {
	poisson := `name: p
start: 2025-01-06T00:00:00Z
horizon: 7d
replications: 20
clients:
  - name: a
    arrivals: {poisson: {rate: 1/h}}
expect:
`
	res := runYAML(t, poisson+"  - {name: m, metric: requests, min: 100, max: 250}\n")
	require.True(t, res.Passed(), "%v", res.Failures())
	assert.Len(t, res.Seeds, 20)
	assert.Equal(t, uint64(1), res.Seeds[0])
	// About 168 requests a week: a bound just above the mean is broken by
	// the upper end of the interval, though the mean is within.
	res = runYAML(t, poisson+"  - {name: m, metric: requests, max: 170}\n")
	require.Len(t, res.Failures(), 1)
	f := res.Failures()[0]
	assert.Contains(t, f.Expected, "for the whole 95% confidence interval")
	assert.Regexp(t, `^mean 1[56]\d(\.\d+)?, 95% CI \[\d+(\.\d+)?, 1[78]\d(\.\d+)?\] over 20 replications$`, f.Got)
}

func TestGoldenTrace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.yaml")
	require.NoError(t, os.WriteFile(path, []byte(base+"  - {name: six accepted, count: accepted, eq: 6}\n"), 0o644))
	golden := filepath.Join(dir, "g.trace")

	res, err := File(path, Options{})
	require.NoError(t, err)
	assert.Len(t, res.Checks, 1, "no golden trace beside: nothing to compare")

	require.NoError(t, os.WriteFile(golden, []byte("stale\n"), 0o644))
	res, err = File(path, Options{Update: true})
	require.NoError(t, err)
	assert.True(t, res.Passed())
	data, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, 5*7+3+7, strings.Count(string(data), "\n"), "--update rewrote the golden trace")

	res, err = File(path, Options{})
	require.NoError(t, err)
	assert.True(t, res.Passed())

	// Change the sixth request's time: line 36 differs.
	res, err = File(path, Options{}, "clients.admin.arrivals.at.5=6h")
	require.NoError(t, err)
	require.Len(t, res.Failures(), 1)
	f := res.Failures()[0]
	assert.Equal(t, "golden trace "+golden, f.Expectation)
	assert.Equal(t, `line 36 to be "2025-01-06T05:00:00Z request-arrived client=admin request=6 attempt=1"`, f.Expected)
	assert.Equal(t, `"2025-01-06T06:00:00Z request-arrived client=admin request=6 attempt=1"`, f.Got)
	assert.Equal(t, ">    36  2025-01-06T06:00:00Z request-arrived client=admin request=6 attempt=1", f.Context[4])
	assert.Len(t, f.Context, 4+2+3, "4 lines before, the difference, 3 after")
	assert.Equal(t, res.Seeds[0], f.Seed, "the seed of the replication compared")
	assert.Contains(t, f.Error(), fmt.Sprintf("events around it (seed %d):", res.Seeds[0]))

	// A shorter trace.
	res, err = File(path, Options{}, "horizon=5h")
	require.NoError(t, err)
	require.Len(t, res.Failures(), 2, "six accepted, and the golden trace")
	assert.Equal(t, `the trace ended after 35; the golden trace goes on with "2025-01-06T05:00:00Z request-arrived client=admin request=6 attempt=1"`, res.Failures()[1].Got)
}

// junitDoc reads a JUnit report back as a CI server would, by the names
// of its elements and attributes.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		File     string `xml:"file,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Time     string `xml:"time,attr"`
		Cases    []struct {
			Name      string `xml:"name,attr"`
			Classname string `xml:"classname,attr"`
			Time      string `xml:"time,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnit(t *testing.T) {
	pass := runYAML(t, base+"  - {name: fine, count: accepted, eq: 6}\n")
	fail := runYAML(t, scheduled+"  - {name: broken, scheduled: 14h, outcome: ran}\n  - {name: fine too, count: accepted, eq: 1}\n")
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, []*Result{pass, fail}))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, 3, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	require.Len(t, doc.Suites, 2)
	assert.Equal(t, "base", doc.Suites[0].Name)
	assert.Nil(t, doc.Suites[0].Cases[0].Failure)
	s := doc.Suites[1]
	assert.Equal(t, "sched", s.Name)
	assert.Equal(t, 1, s.Failures)
	require.NotNil(t, s.Cases[0].Failure)
	assert.Equal(t, "broken", s.Cases[0].Name)
	assert.Equal(t, "expected the scheduled run due at 2025-01-06T14:00:00Z to have ran; got skipped (reason on-demand, caused by the request accepted at 2025-01-06T04:00:00Z)", s.Cases[0].Failure.Message)
	assert.Contains(t, s.Cases[0].Failure.Text, "events around it")
	assert.Nil(t, s.Cases[1].Failure)
}

var update = flag.Bool("update", false, "rewrite the golden traces of the shipped scenarios")

// TestShippedScenariosPass checks every scenario shipped with runsim, the
// rules suite among them; go test ./check -update rewrites their golden
// traces after a deliberate change (review the diff).
func TestShippedScenariosPass(t *testing.T) {
	var files []string
	for _, pattern := range []string{"../scenarios/*.yaml", "../scenarios/rules/*.yaml", "../scenarios/policies/*.yaml"} {
		found, err := filepath.Glob(pattern)
		require.NoError(t, err)
		require.NotEmpty(t, found, pattern)
		files = append(files, found...)
	}
	rules, err := filepath.Glob("../scenarios/rules/*.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(rules), 7)
	for _, f := range files {
		res, err := File(f, Options{Update: *update})
		require.NoError(t, err)
		assert.True(t, res.Passed(), "%s: %v", f, res.Failures())
		if strings.Contains(f, "/rules/") {
			assert.GreaterOrEqual(t, len(res.Checks), 3, "%s: a rule scenario has expectations and a golden trace", f)
			assert.Contains(t, res.Checks[len(res.Checks)-1].Name, "golden trace")
		}
	}
}

// TestRulesSuiteIsSensitive: with the limit at 6, the window at 11h or the
// lookahead at 9h, at least one expectation of the rules suite fails (not
// only the golden traces).
func TestRulesSuiteIsSensitive(t *testing.T) {
	rules, err := filepath.Glob("../scenarios/rules/*.yaml")
	require.NoError(t, err)
	for _, mutation := range []string{"service.throttle.limit=6", "service.throttle.window=11h", "service.skip.lookahead=9h"} {
		t.Run(mutation, func(t *testing.T) {
			caught := 0
			for _, f := range rules {
				res, err := File(f, Options{}, mutation)
				require.NoError(t, err)
				for _, fl := range res.Failures() {
					if !strings.HasPrefix(fl.Expectation, "golden trace") {
						caught++
					}
				}
			}
			assert.Positive(t, caught, "no expectation of the rules suite notices %s", mutation)
		})
	}
}

// TestOccupancyUsesTheScenarioWindow: starts at 00:00, 00:30 and 02:00
// against a 1h window never put more than 2 in the window (a 12h window
// would count 3).
func TestOccupancyUsesTheScenarioWindow(t *testing.T) {
	res := runYAML(t, simtest.HourWindow+`expect:
  - {name: two at most in an hour, metric: occupancy_max, max: 2}
  - {name: and two at some point, metric: occupancy_max, min: 2}
`)
	assert.True(t, res.Passed(), "%v", res.Failures())
}

// TestEveryMetricCanBeExpected: every metric of the table is accepted by a
// metric expectation, and measured.
func TestEveryMetricCanBeExpected(t *testing.T) {
	for _, m := range metrics.MetricNames {
		t.Run(m, func(t *testing.T) {
			_, ok := metrics.Summary{}.Metric(m)
			assert.True(t, ok, "metric %q is listed but not measured", m)
			res := runYAML(t, base+"  - {name: x, metric: "+m+", min: -1}\n")
			assert.True(t, res.Passed(), "%v", res.Failures())
		})
	}
}

// TestOneOperationWithABufferedStartAtTheEnd: a start accepted into the
// buffer may still be notStarted when the run ends; that is not a failure.
func TestOneOperationWithABufferedStartAtTheEnd(t *testing.T) {
	res := runYAML(t, simtest.Scenario("b", "3h")+`service:
  schedule: {kind: none}
  overlap: {on_demand: buffer-all}
  run: {duration: {dist: constant, value: 2h}, outcomes: {completed: 1}}
clients:
  - {name: a, arrivals: {at: [0s, 1h, 90m]}}
expect:
  - {name: one operation each, invariant: one-operation}
  - {name: in order, invariant: operations-in-order}
  - {name: all accepted, count: accepted, eq: 3}
`)
	assert.True(t, res.Passed(), "%v", res.Failures())
}

// TestJUnitTimesAndLoadFailures: cases carry the time spent on each check,
// and a scenario that did not load is a failed case of its own.
func TestJUnitTimesAndLoadFailures(t *testing.T) {
	results := []*Result{
		{Scenario: "timed", Path: "timed.yaml", Elapsed: 25 * time.Millisecond, Checks: []Check{
			{Name: "a", Elapsed: 1500 * time.Microsecond},
			{Name: "b", Elapsed: 2 * time.Second},
		}},
		{Scenario: "broken.yaml", Path: "dir/broken.yaml", Elapsed: 0, Err: errors.New("dir/broken.yaml:2:10: horizon: bad duration")},
		{Scenario: "quiet", Path: "quiet.yaml", Elapsed: time.Millisecond},
	}
	var buf bytes.Buffer
	require.NoError(t, WriteJUnit(&buf, results))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(buf.Bytes(), &doc))
	assert.Equal(t, 4, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, "0.026000", doc.Time)
	require.Len(t, doc.Suites, 3)

	timed := doc.Suites[0]
	assert.Equal(t, "0.025000", timed.Time)
	require.Len(t, timed.Cases, 2)
	assert.Equal(t, "0.001500", timed.Cases[0].Time)
	assert.Equal(t, "2.000000", timed.Cases[1].Time)

	broken := doc.Suites[1]
	assert.Equal(t, "broken.yaml", broken.Name)
	assert.Equal(t, "dir/broken.yaml", broken.File)
	assert.Equal(t, 1, broken.Tests)
	assert.Equal(t, 1, broken.Failures)
	require.Len(t, broken.Cases, 1)
	assert.Equal(t, "load", broken.Cases[0].Name)
	require.NotNil(t, broken.Cases[0].Failure)
	assert.Equal(t, "load", broken.Cases[0].Failure.Type)
	assert.Equal(t, "dir/broken.yaml:2:10: horizon: bad duration", broken.Cases[0].Failure.Message)

	quiet := doc.Suites[2]
	require.Len(t, quiet.Cases, 1, "a scenario without checks is one case, that it runs")
	assert.Equal(t, "runs", quiet.Cases[0].Name)
	assert.Nil(t, quiet.Cases[0].Failure)
}

// TestRunTimesEachCheck: every expectation and the golden trace get a
// time of their own, within the scenario's.
func TestRunTimesEachCheck(t *testing.T) {
	res, err := File("../scenarios/rules/five-then-throttled.yaml", Options{})
	require.NoError(t, err)
	require.Greater(t, len(res.Checks), 2)
	var sum time.Duration
	for _, c := range res.Checks {
		assert.GreaterOrEqual(t, c.Elapsed, time.Duration(0), c.Name)
		sum += c.Elapsed
	}
	assert.LessOrEqual(t, sum, res.Elapsed, "the checks' times are parts of the scenario's")
}

func TestResultWithAnErrorHasNotPassed(t *testing.T) {
	assert.False(t, (&Result{Err: errors.New("bad")}).Passed())
	assert.True(t, (&Result{}).Passed())
}

// TestEveryInvariantHasAnEvaluator: each invariant a scenario may name is
// evaluated; none is silently taken as holding.
func TestEveryInvariantHasAnEvaluator(t *testing.T) {
	s, err := scenario.Parse("t.yaml", []byte(base+"  - {name: x, invariant: one-operation}\n"))
	require.NoError(t, err)
	cfg, err := s.Config()
	require.NoError(t, err)
	for name := range scenario.Invariants {
		t.Run(name, func(t *testing.T) {
			x := &scenario.Expectation{Name: "x", What: &scenario.ExpectInvariant{Invariant: name}}
			ev, err := newEvaluator(x, newSetup(s, cfg))
			require.NoError(t, err)
			assert.NotNil(t, ev)
		})
	}
}

// TestUnknownExpectationsAreErrors: an expectation check cannot evaluate
// (built past the validation) stops the check instead of passing.
func TestUnknownExpectationsAreErrors(t *testing.T) {
	tests := []struct {
		name string
		what scenario.ExpectKind
		want string
	}{
		{"unknown invariant", &scenario.ExpectInvariant{Invariant: "always-fine"}, `t.yaml: expectation "x": check has no evaluator for invariant "always-fine"`},
		{"no kind", nil, `t.yaml: expectation "x": says nothing to check`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.Parse("t.yaml", []byte(base+"  - {name: x, invariant: one-operation}\n"))
			require.NoError(t, err)
			s.File.Expect[0].What = tc.what
			_, err = Run(s, Options{})
			assert.EqualError(t, err, tc.want)
		})
	}
}

// TestUpdateRefusesOverrides: the overrides would be written into the
// golden trace.
func TestUpdateRefusesOverrides(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "g.yaml")
	golden := filepath.Join(dir, "g.trace")
	require.NoError(t, os.WriteFile(path, []byte(base+"  - {name: six accepted, count: accepted, eq: 6}\n"), 0o644))
	require.NoError(t, os.WriteFile(golden, []byte("old\n"), 0o644))
	_, err := File(path, Options{Update: true}, "service.throttle.limit=4")
	assert.ErrorIs(t, err, ErrUpdateWithOverrides)
	data, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, "old\n", string(data))
}

// blindInvariant is the scenario of the bug report.
const blindInvariant = simtest.BlindInvariant

// TestThrottleWindowAsksThePolicy: the throttle-window invariant holds the
// run to the promise of the reading in force, and fails, saying so, where
// the reading promises nothing.
func TestThrottleWindowAsksThePolicy(t *testing.T) {
	tests := []struct {
		name     string
		yaml     string
		pass     bool
		expected string // of the failure
		got      string // of the failure
	}{
		{
			name: "bug report: scheduled runs counted but never refused make no promise",
			yaml: blindInvariant, expected: "no throttle window holds more counted runs than the limit",
			got: "nothing the run can be held to: the throttle's reading in force makes no promise: scheduled runs count " +
				"toward the throttle but are never refused (scheduled: counted), so they can fill a window past its capacity",
		},
		{
			name: "the same with scheduled runs throttled: the engine keeps the promise",
			yaml: strings.Replace(blindInvariant, "scheduled: counted", "scheduled: throttled", 1), pass: true,
		},
		{
			name:     "kind none promises nothing",
			yaml:     strings.Replace(blindInvariant, "{kind: sliding, limit: 1, window: 12h, counts: accepted, scheduled: counted}", "{kind: none}", 1),
			expected: "no throttle window holds more counted runs than the limit",
			got:      "nothing the run can be held to: the throttle's reading in force makes no promise: the throttle never refuses (none: starts are never throttled)",
		},
		{
			name:     "successful runs counted when they complete make no promise",
			yaml:     strings.Replace(blindInvariant, "counts: accepted, scheduled: counted", "counts: successful, reserve: false", 1),
			expected: "no throttle window holds more counted runs than the limit",
			got: "nothing the run can be held to: the throttle's reading in force makes no promise: runs in progress hold no slot " +
				"(reserve: false), so runs started while others run can complete past the capacity",
		},
		{
			name: "token bucket, attempts counted: refused attempts fill the bucket, accepted starts keep the bound",
			yaml: strings.Replace(blindInvariant, "{kind: sliding, limit: 1, window: 12h, counts: accepted, scheduled: counted}",
				"{kind: token-bucket, limit: 2, window: 12h, counts: attempts}", 1) +
				"clients:\n  - {name: a, arrivals: {periodic: {every: 20m}}}\n",
			pass: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := runYAML(t, tc.yaml)
			if tc.pass {
				assert.True(t, res.Passed(), "%v", res.Failures())
				return
			}
			require.Len(t, res.Failures(), 1)
			f := res.Failures()[0]
			assert.Equal(t, tc.expected, f.Expected)
			assert.Equal(t, tc.got, f.Got)
		})
	}
}

// TestThrottleWindowBreach feeds the invariant a synthetic event stream in
// which the slots in use exceed the promised capacity right after an
// allowed start: it fails, with the events around the breach as context
// (measurement events are not trace lines: only the breach itself is
// shown among them).
// TestSkipLookaheadNextRunOnly: next-within skips only the next run: with
// runs every 4h, the one at 10:00 runs although it is due within 10h of
// the request at 04:00, and the invariant holds.
func TestSkipLookaheadNextRunOnly(t *testing.T) {
	res := runYAML(t, strings.Replace(scheduled, "every: 12h", "every: 4h", 1)+"  - {name: x, invariant: skip-lookahead}\n")
	assert.True(t, res.Passed(), "%v", res.Failures())
}

// TestSkipLookaheadBreach: a stream in which the skip rule breaks its
// promise (the engine never writes one) fails the invariant at the run
// that should not have started; next-within holds only the first run due
// after the on-demand start, all-within every one within the lookahead.
func TestSkipLookaheadBreach(t *testing.T) {
	t0 := simtest.T0
	h := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }
	// the run due at 06:00 skipped, the one due at 10:00 run
	stream := []sim.Event{
		{At: h(4), Kind: sim.Accepted, Client: "a", Request: 1, Attempt: 1},
		{At: h(4), Kind: sim.RunStarted, Run: 1, Trigger: policy.OnDemand},
		{At: h(6), Kind: sim.ScheduledDue, Nominal: h(6)},
		{At: h(6), Kind: sim.ScheduledSkipped, Nominal: h(6), Reason: sim.SkipOnDemand, Cause: h(4)},
		{At: h(10), Kind: sim.ScheduledDue, Nominal: h(10)},
		{At: h(10), Kind: sim.RunStarted, Run: 2, Trigger: policy.Scheduled, Nominal: h(10)},
	}
	// the run due at 06:00, the first after the request, run
	broken := []sim.Event{
		{At: h(4), Kind: sim.Accepted, Client: "a", Request: 1, Attempt: 1},
		{At: h(6), Kind: sim.ScheduledDue, Nominal: h(6)},
		{At: h(6), Kind: sim.RunStarted, Run: 2, Trigger: policy.Scheduled, Nominal: h(6)},
	}
	at10 := "the scheduled run due at 2025-01-06T10:00:00Z started at 2025-01-06T10:00:00Z, although it is due 6h after the on-demand start at 2025-01-06T04:00:00Z"
	for _, tc := range []struct {
		rule   policy.SkipRule
		stream []sim.Event
		want   string
	}{
		{policy.NextWithin{Lookahead: 10 * time.Hour}, stream, ""},
		{policy.NextWithin{Lookahead: 10 * time.Hour, RunStart: true}, stream, ""},
		{policy.AllWithin{Lookahead: 10 * time.Hour}, stream, at10},
		{policy.AllWithin{Lookahead: 6 * time.Hour}, stream, at10},
		{policy.AllWithin{Lookahead: 6*time.Hour - time.Millisecond}, stream, ""},
		{policy.NextWithin{Lookahead: 10 * time.Hour}, broken,
			"the scheduled run due at 2025-01-06T06:00:00Z started at 2025-01-06T06:00:00Z, although it is due 2h after the on-demand start at 2025-01-06T04:00:00Z"},
	} {
		k := &skipInvariant{promise: policy.SkipPromiseOf(tc.rule), kept: map[time.Time]time.Time{},
			first: first{expected: "unused", fail: func(expected string) *Failure { return &Failure{Expectation: "s", Expected: expected} }}}
		ring := &recent{}
		for i := range tc.stream {
			k.observe(&tc.stream[i], ring)
			ring.push(&tc.stream[i])
		}
		f := k.finish(ring)
		if tc.want == "" {
			assert.Nil(t, f, "%v", tc.rule)
			continue
		}
		require.NotNil(t, f, "%v", tc.rule)
		assert.Equal(t, tc.want, f.Got, "%v", tc.rule)
	}
}

func TestThrottleWindowBreach(t *testing.T) {
	t0 := simtest.T0
	promise := policy.Promise{Capacity: 1, Text: "at most 1 counted starts in any 12h"}
	w := &windowInvariant{promise: promise, expected: "unused",
		fail: func(expected string) *Failure { return &Failure{Expectation: "w", Expected: expected, Seed: 7} }}
	ring := &recent{}
	stream := []sim.Event{
		{At: t0, Kind: sim.RequestArrived, Client: "a", Request: 1, Attempt: 1},
		{At: t0, Kind: sim.SlotsChanged, Change: sim.SlotTaken, Capacity: 1, Slots: 1},
		{At: t0, Kind: sim.RunStarted, Run: 1, Trigger: policy.OnDemand},
		{At: t0.Add(time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 2, Attempt: 1},
		{At: t0.Add(time.Hour), Kind: sim.SlotsChanged, Change: sim.SlotForced, Capacity: 1, Slots: 2, Area: 3600},
		{At: t0.Add(2 * time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 3, Attempt: 1},
		{At: t0.Add(2 * time.Hour), Kind: sim.SlotsChanged, Change: sim.SlotTaken, Capacity: 1, Slots: 3, Area: 7200},
		{At: t0.Add(2 * time.Hour), Kind: sim.RunStarted, Run: 3, Trigger: policy.OnDemand},
		{At: t0.Add(3 * time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 4, Attempt: 1},
		{At: t0.Add(4 * time.Hour), Kind: sim.SlotsChanged, Change: sim.SlotTaken, Capacity: 1, Slots: 4, Area: 10800},
		{At: t0.Add(4 * time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 5, Attempt: 1},
		{At: t0.Add(5 * time.Hour), Kind: sim.RequestArrived, Client: "a", Request: 6, Attempt: 1},
	}
	for i := range stream {
		w.observe(&stream[i], ring)
		ring.push(&stream[i])
	}
	f := w.finish(ring)
	require.NotNil(t, f, "3 slots in use after an allowed start, capacity 1")
	assert.Equal(t, "the throttle to keep the promise of its reading: at most 1 counted starts in any 12h", f.Expected)
	assert.Equal(t, "3 slots in use at 2025-01-06T02:00:00Z right after a start the throttle allowed, above the 1 it promises", f.Got,
		"the forced slot at 01:00 is no breach; the first allowed one over the capacity is")
	assert.Equal(t, []string{
		"  2025-01-06T00:00:00Z request-arrived client=a request=1 attempt=1",
		"  2025-01-06T00:00:00Z run-started run=1 trigger=onDemand",
		"  2025-01-06T01:00:00Z request-arrived client=a request=2 attempt=1",
		"  2025-01-06T02:00:00Z request-arrived client=a request=3 attempt=1",
		"> 2025-01-06T02:00:00Z slots-changed change=taken slots=3 capacity=1 area_s=7200",
		"  2025-01-06T02:00:00Z run-started run=3 trigger=onDemand",
		"  2025-01-06T03:00:00Z request-arrived client=a request=4 attempt=1",
		"  2025-01-06T04:00:00Z request-arrived client=a request=5 attempt=1",
	}, f.Context)

	// The same stream within the capacity passes.
	ok := &windowInvariant{promise: policy.Promise{Capacity: 4, Text: "at most 4"}, fail: w.fail}
	ring = &recent{}
	for i := range stream {
		ok.observe(&stream[i], ring)
		ring.push(&stream[i])
	}
	assert.Nil(t, ok.finish(ring))
}

package scenario

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
)

func TestBadExpectations(t *testing.T) {
	tests := []struct{ class, exp, at, msg string }{
		{"no kind", "{name: x, eq: 1}", "{name: x, eq", "expect.0: give exactly one of count, request, scheduled, none, invariant or metric"},
		{"two kinds", "{name: x, count: accepted, none: accepted, eq: 1}", "{name: x, count", "expect.0: give exactly one of count, request, scheduled, none, invariant or metric, not count and none"},
		{"not a mapping", "count accepted", "count accepted", `expect.0: expected a mapping, got "count accepted"`},
		{"no name", "{count: accepted, eq: 1}", "{count", "expect.0.name: every expectation needs a readable name"},
		{"name set twice", "{name: x, count: accepted, name: y, eq: 1}", "name: y", "expect.0.name: set twice"},
		{"unknown invariant", "{name: x, invariant: always-fine}", "always-fine", `expect.0.invariant: unknown invariant "always-fine" (known: one-operation, operations-in-order, skip-lookahead, throttle-window)`},
		{"unknown metric", "{name: x, metric: happiness, max: 1}", "happiness", `expect.0.metric: unknown metric "happiness" (known: ` + known(metrics.MetricNames) + `)`},
		{"unknown event kind", "{name: x, none: approved, from: 1h, to: 2h}", "approved", `expect.0.none: unknown event kind "approved" (known: request-arrived, accepted, throttled, conflict, run-started, run-finished, scheduled-due, scheduled-skipped, operation-changed, retry-scheduled, gave-up)`},
		{"count without bound", "{name: x, count: accepted}", "{name: x, count", "expect.0: a count needs eq, min or max"},
		{"count with eq and max", "{name: x, count: accepted, eq: 1, max: 2}", "1, max", "expect.0.eq: give eq, or min and/or max, not both"},
		{"metric without bound", "{name: x, metric: polls}", "{name: x, metric", "expect.0: a metric needs min or max"},
		{"bad bound", "{name: x, metric: freshness_p95, max: soon}", "soon", `expect.0.max: bad bound "soon": want a number, a duration (13h) or a percentage (5%)`},
		{"min above max", "{name: x, count: accepted, min: 3, max: 2}", "3,", "expect.0.min: min (3) is above max (2)"},
		{"metric min above max", "{name: x, metric: polls, min: 3, max: 2}", "3,", "expect.0.min: min (3) is above max (2)"},
		{"none without span", "{name: x, none: accepted, from: 1h}", "{name: x, none", "expect.0: none needs from and to"},
		{"span backwards", "{name: x, none: accepted, from: 2h, to: 1h}", "1h}", "expect.0.to: must be after from"},
		{"retry-after on an accepted answer", "{name: x, request: 1h, answer: accepted, retry_after: 1h}", "1h}", "expect.0.retry_after: only a throttled answer has a Retry-After"},
		{"unknown answer", "{name: x, request: 1h, answer: maybe}", "maybe", `expect.0.answer: unknown answer "maybe" (known: accepted, throttled, conflict)`},
		{"unknown outcome", "{name: x, scheduled: 2h, outcome: late}", "late", `expect.0.outcome: unknown outcome "late" (known: ran, skipped)`},
		{"ran with a reason", "{name: x, scheduled: 2h, outcome: ran, reason: on-demand}", "on-demand", "expect.0.reason: a scheduled run that ran has no skip reason"},
		{"cause without on-demand", "{name: x, scheduled: 2h, outcome: skipped, reason: throttled, cause: 1h}", "1h}", "expect.0.cause: only a skip for reason on-demand has a cause"},
		{"unknown reason", "{name: x, count: scheduled-skipped, reason: bored, min: 1}", "bored", `expect.0.reason: unknown reason "bored" (known: on-demand, run-in-progress, throttled)`},
		{"unknown trigger", "{name: x, none: run-started, trigger: manual, from: 1h, to: 2h}", "manual", `expect.0.trigger: unknown trigger "manual" (known: scheduled, onDemand)`},
		{"unknown client", "{name: x, request: 1h, client: bob, answer: accepted}", "bob", `expect.0.client: unknown client "bob" (the scenario has: admin)`},
		{"two expectations with one name", "{name: x, count: accepted, eq: 1}\n  - {name: x, count: accepted, eq: 1}", "x, count: accepted, eq: 1}\n", `expect.1.name: two expectations are named "x"`},
		// Each kind takes its own fields and names them when it refuses one.
		{"eq on a metric", "{name: x, metric: polls, eq: 1}", "eq: 1", `unknown field "eq" in expect.0 (known for metric expectations: name, metric, min, max)`},
		{"bound on a request", "{name: x, request: 1h, answer: accepted, max: 1}", "max", `unknown field "max" in expect.0 (known for request expectations: name, request, client, attempt, answer, retry_after)`},
		{"filter on a scheduled run", "{name: x, scheduled: 2h, outcome: ran, client: admin}", "client", `unknown field "client" in expect.0 (known for scheduled expectations: name, scheduled, outcome, reason, cause)`},
		{"span on a count", "{name: x, count: accepted, from: 1h, eq: 1}", "from", `unknown field "from" in expect.0 (known for count expectations: name, count, client, attempt, reason, status, trigger, eq, min, max)`},
		{"anything on an invariant", "{name: x, invariant: one-operation, client: admin}", "client", `unknown field "client" in expect.0 (known for invariant expectations: name, invariant)`},
		{"typo on a none", "{name: x, none: accepted, from: 1h, too: 2h}", "too", `unknown field "too" in expect.0 (known for none expectations: name, none, from, to, client, attempt, reason, status, trigger)`},
	}
	for _, tc := range tests {
		t.Run(tc.class, func(t *testing.T) {
			yaml := good + "expect:\n  - " + tc.exp + "\n"
			line, col := lastPositionOf(t, yaml, tc.at)
			after, _ := lineCol(good, len(good))
			require.GreaterOrEqual(t, line, after, "the token is in the expectations, after good")
			_, err := Parse("bad.yaml", []byte(yaml))
			assert.EqualError(t, err, fmt.Sprintf("bad.yaml:%d:%d: %s", line, col, tc.msg))
		})
	}
}

// TestExpectationsDecodeToTheirKind: each kind's mapping becomes its own
// type, every field in place.
func TestExpectationsDecodeToTheirKind(t *testing.T) {
	retry := Duration(7 * time.Hour)
	tests := []struct {
		name, yaml string
		want       ExpectKind
	}{
		{"count", "{name: c, count: throttled, client: admin, attempt: 2, reason: throttled, status: failed, trigger: onDemand, min: 1%, max: 5%}",
			&ExpectCount{Event: "throttled", Client: "admin", Attempt: 2, Reason: "throttled", Status: "failed", Trigger: "onDemand", Min: ptr(Bound(0.01)), Max: ptr(Bound(0.05))}},
		{"request", "{name: c, request: 5h, client: admin, attempt: 1, answer: throttled, retry_after: 7h}",
			&ExpectRequest{At: Moment{Offset: 5 * time.Hour}, Client: "admin", Attempt: 1, Answer: "throttled", RetryAfter: &retry}},
		{"scheduled", "{name: c, scheduled: 2025-01-06T14:00:00Z, outcome: skipped, reason: on-demand, cause: 4h}",
			&ExpectScheduled{Due: Moment{Absolute: time.Date(2025, 1, 6, 14, 0, 0, 0, time.UTC)}, Outcome: "skipped", Reason: "on-demand", Cause: &Moment{Offset: 4 * time.Hour}}},
		{"none", "{name: c, none: run-started, from: 1h, to: 2h, trigger: scheduled}",
			&ExpectNone{Event: "run-started", From: &Moment{Offset: time.Hour}, To: &Moment{Offset: 2 * time.Hour}, Trigger: "scheduled"}},
		{"invariant", "{name: c, invariant: throttle-window}", &ExpectInvariant{Invariant: "throttle-window"}},
		{"metric", "{name: c, metric: freshness_p95, max: 13h}", &ExpectMetric{Metric: "freshness_p95", Max: ptr(Bound(13 * 3600))}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("e.yaml", []byte(good+"expect:\n  - "+tc.yaml+"\n"))
			require.NoError(t, err)
			require.Len(t, s.File.Expect, 1)
			e := s.File.Expect[0]
			assert.Equal(t, "c", e.Name)
			assert.Equal(t, tc.name, e.Kind())
			assert.Equal(t, tc.want, e.What)
		})
	}
}

// TestExpectKindTable: every kind in the table names itself by its key,
// and its first field is that key.
func TestExpectKindTable(t *testing.T) {
	for _, k := range expectKinds {
		t.Run(k.key, func(t *testing.T) {
			what := k.new()
			assert.Equal(t, k.key, what.Kind())
			fs := fieldsOf(reflect.TypeOf(what).Elem())
			require.NotEmpty(t, fs)
			assert.Equal(t, k.key, fs[0].name)
		})
	}
}

// TestBuildExpectationsInGo: expectations built in Go are validated as
// decoded ones are.
func TestBuildExpectationsInGo(t *testing.T) {
	tests := []struct {
		name string
		exp  *Expectation
		err  string
	}{
		{"valid metric", &Expectation{Name: "m", What: &ExpectMetric{Metric: "polls", Min: ptr(Bound(1))}}, ""},
		{"no kind", &Expectation{Name: "m"}, "(built in Go): expect.0: give exactly one of count, request, scheduled, none, invariant or metric"},
		{"no name", &Expectation{What: &ExpectInvariant{Invariant: "one-operation"}}, "(built in Go): expect.0.name: every expectation needs a readable name"},
		{"unknown metric", &Expectation{Name: "m", What: &ExpectMetric{Metric: "joy", Max: ptr(Bound(1))}}, `(built in Go): expect.0.metric: unknown metric "joy" (known: ` + known(metrics.MetricNames) + ")"},
		{"none without span", &Expectation{Name: "n", What: &ExpectNone{Event: "accepted"}}, "(built in Go): expect.0: none needs from and to"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := builtFile()
			f.Expect = []*Expectation{tc.exp}
			_, err := Build(f)
			if tc.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tc.err)
			}
		})
	}
}

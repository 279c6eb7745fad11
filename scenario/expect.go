package scenario

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"runsim/sim"
)

// An Expectation is one thing a scenario promises, checked by runsim check.
// Exactly one of Count, Request, Scheduled, None, Invariant or Metric says
// what kind of expectation it is; the other fields refine it.
type Expectation struct {
	Name string `yaml:"name"`

	// Count: how many events of a kind (see sim.Kind), optionally only those
	// of a client, reason, status or trigger, with Eq, Min and/or Max.
	Count string `yaml:"count"`
	// Request: the request (an attempt) that arrived at this moment got
	// Answer (accepted, throttled or conflict), with RetryAfter if given.
	Request *Moment `yaml:"request"`
	// Scheduled: the scheduled run nominally due at this moment had Outcome
	// (ran or skipped), skipped for Reason because of a request at Cause.
	Scheduled *Moment `yaml:"scheduled"`
	// None: no event of this kind in [From, To).
	None string `yaml:"none"`
	// Invariant: a named property of the whole run (see Invariants).
	Invariant string `yaml:"invariant"`
	// Metric: a summary figure (see Metrics) within Min and/or Max; with
	// replications, the whole 95% confidence interval must be within.
	Metric string `yaml:"metric"`

	Client  string `yaml:"client"`
	Attempt int    `yaml:"attempt"`
	Reason  string `yaml:"reason"`
	Status  string `yaml:"status"`
	Trigger string `yaml:"trigger"`

	Answer     string    `yaml:"answer"`
	RetryAfter *Duration `yaml:"retry_after"`
	Outcome    string    `yaml:"outcome"`
	Cause      *Moment   `yaml:"cause"`
	From       *Moment   `yaml:"from"`
	To         *Moment   `yaml:"to"`

	Eq  *Bound `yaml:"eq"`
	Min *Bound `yaml:"min"`
	Max *Bound `yaml:"max"`
}

// Invariants are the properties an expectation can name.
var Invariants = map[string]string{
	"throttle-window":     "no throttle window holds more counted runs than the limit",
	"skip-lookahead":      "no scheduled run starts within the skip lookahead after an accepted on-demand request",
	"one-operation":       "every accepted request has exactly one operation, finished or still running at the end",
	"operations-in-order": "operations finish in the order their runs finish",
}

// Metrics are the summary figures an expectation can bound. Durations are
// compared in seconds, fractions as numbers between 0 and 1.
var Metrics = []string{
	"freshness_mean", "freshness_p50", "freshness_p95", "freshness_max",
	"throttled_fraction", "conflict_fraction", "accepted_fraction",
	"requests", "accepted", "throttled", "conflicts", "retries", "gave_up",
	"runs_started", "runs_succeeded", "runs_failed", "scheduled_run", "scheduled_skipped",
	"lateness_mean", "lateness_max", "polls",
	"latency_p50", "latency_p95", "runs_per_day", "occupancy_mean", "occupancy_max",
}

// Bound is a number in an expectation: a plain number, a duration (taken
// in seconds, e.g. 13h) or a percentage (5% is 0.05).
type Bound float64

func (b *Bound) decodeScalar(n *node) error {
	v := n.value
	if strings.HasSuffix(v, "%") {
		f, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
		if err != nil {
			return fmt.Errorf("bad percentage %q", v)
		}
		*b = Bound(f / 100)
		return nil
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && (n.tag == "!!int" || n.tag == "!!float") {
		*b = Bound(f)
		return nil
	}
	ms, err := parseMillis(v)
	if err != nil {
		return fmt.Errorf("bad bound %q: want a number, a duration (13h) or a percentage (5%%)", v)
	}
	*b = Bound(float64(ms) / 1000)
	return nil
}

func (e *Expectation) kinds() []string {
	var k []string
	for name, set := range map[string]bool{
		"count": e.Count != "", "request": e.Request != nil, "scheduled": e.Scheduled != nil,
		"none": e.None != "", "invariant": e.Invariant != "", "metric": e.Metric != "",
	} {
		if set {
			k = append(k, name)
		}
	}
	return k
}

// Kind is the kind of the expectation: count, request, scheduled, none,
// invariant or metric.
func (e *Expectation) Kind() string {
	if k := e.kinds(); len(k) == 1 {
		return k[0]
	}
	return ""
}

func eventKind(field, name string) error {
	if _, ok := sim.ParseKind(name); ok {
		return nil
	}
	var names []string
	for _, k := range sim.Kinds() {
		names = append(names, k.String())
	}
	return errAt(field, "unknown event kind %q (known: %s)", name, strings.Join(names, ", "))
}

func (e *Expectation) validate() error {
	if e.Name == "" {
		return errAt("name", "every expectation needs a readable name")
	}
	if k := e.kinds(); len(k) != 1 {
		return errAt("", "give exactly one of count, request, scheduled, none, invariant or metric")
	}
	if e.Reason != "" {
		if err := oneOf("reason", e.Reason, "on-demand", "run-in-progress", "throttled"); err != nil {
			return err
		}
	}
	if e.Trigger != "" {
		if err := oneOf("trigger", e.Trigger, "scheduled", "onDemand"); err != nil {
			return err
		}
	}
	if e.Status != "" {
		if err := oneOf("status", e.Status, "completed", "completedWithErrors", "completedWithWarnings", "failed", "notStarted", "running", "succeeded"); err != nil {
			return err
		}
	}
	bounded := e.Eq != nil || e.Min != nil || e.Max != nil
	switch e.Kind() {
	case "count":
		if err := eventKind("count", e.Count); err != nil {
			return err
		}
		if !bounded {
			return errAt("", "a count needs eq, min or max")
		}
	case "request":
		if err := oneOf("answer", e.Answer, "accepted", "throttled", "conflict"); err != nil {
			return err
		}
		if e.RetryAfter != nil && e.Answer != "throttled" {
			return errAt("retry_after", "only a throttled answer has a Retry-After")
		}
	case "scheduled":
		if err := oneOf("outcome", e.Outcome, "ran", "skipped"); err != nil {
			return err
		}
		if e.Outcome == "ran" && (e.Reason != "" || e.Cause != nil) {
			return errAt("reason", "a scheduled run that ran has no skip reason")
		}
		if e.Cause != nil && e.Reason != "on-demand" {
			return errAt("cause", "only a skip for reason on-demand has a cause")
		}
	case "none":
		if err := eventKind("none", e.None); err != nil {
			return err
		}
		if e.From == nil || e.To == nil {
			return errAt("", "none needs from and to")
		}
	case "invariant":
		if _, ok := Invariants[e.Invariant]; !ok {
			names := make([]string, 0, len(Invariants))
			for n := range Invariants {
				names = append(names, n)
			}
			return errAt("invariant", "unknown invariant %q (known: %s)", e.Invariant, strings.Join(slices.Sorted(slices.Values(names)), ", "))
		}
	case "metric":
		if err := oneOf("metric", e.Metric, Metrics...); err != nil {
			return err
		}
		if e.Eq != nil {
			return errAt("eq", "a metric takes min and/or max")
		}
		if !bounded {
			return errAt("", "a metric needs min or max")
		}
	}
	if bounded && e.Kind() != "count" && e.Kind() != "metric" {
		return errAt("", "eq, min and max belong to count and metric expectations")
	}
	if e.Eq != nil && (e.Min != nil || e.Max != nil) {
		return errAt("eq", "give eq, or min and/or max, not both")
	}
	if e.Min != nil && e.Max != nil && *e.Min > *e.Max {
		return errAt("min", "min (%g) is above max (%g)", float64(*e.Min), float64(*e.Max))
	}
	return nil
}

// checkExpectations checks what needs the whole file: client names, and
// moments against the start.
func (f *File) checkExpectations() error {
	clients := map[string]bool{}
	var names []string
	for _, c := range f.Clients {
		clients[c.Name] = true
		names = append(names, c.Name)
	}
	seen := map[string]bool{}
	for i, e := range f.Expect {
		at := func(field string) string { return fmt.Sprintf("expect.%d.%s", i, field) }
		if seen[e.Name] {
			return errAt(at("name"), "two expectations are named %q", e.Name)
		}
		seen[e.Name] = true
		if e.Client != "" && !clients[e.Client] {
			return errAt(at("client"), "unknown client %q (the scenario has: %s)", e.Client, strings.Join(names, ", "))
		}
		if e.From != nil && e.To != nil && !e.To.At(f.Start.Time).After(e.From.At(f.Start.Time)) {
			return errAt(at("to"), "must be after from")
		}
	}
	return nil
}

// Build validates a scenario built in Go (with Default as a start, say) as
// Parse validates a file, and returns it. Errors name the field's path.
func Build(f File) (*Scenario, error) {
	d := &decoder{file: "(built in Go)"}
	if err := d.validateTree(reflect.ValueOf(&f).Elem(), ""); err != nil {
		return nil, err
	}
	if f.Name == "" {
		return nil, errors.New("scenarios: a built scenario needs a name")
	}
	return &Scenario{Path: f.Name, File: f}, nil
}

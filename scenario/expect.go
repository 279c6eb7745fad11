package scenario

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"runsim/internal/suggest"
	"runsim/metrics"
	"runsim/sim"
)

// An Expectation is one thing a scenario promises, checked by runsim check:
// a readable Name and What is promised, one of *ExpectCount,
// *ExpectRequest, *ExpectScheduled, *ExpectNone, *ExpectInvariant or
// *ExpectMetric. In a file it is one flat mapping whose kind key (count,
// request, scheduled, none, invariant or metric) says which; each kind
// decodes strictly and refuses the fields of the others.
type Expectation struct {
	Name string
	What ExpectKind
}

// An ExpectKind is one kind of expectation. Only the types of this package
// implement it.
type ExpectKind interface {
	// Kind is the key that names the kind in a file, e.g. "count".
	Kind() string
	validate() error
}

// expectKinds is the table of expectation kinds, in the order messages list
// them: the key that selects each in a file, and a new empty one. The
// decoder reads the kind's other fields from its type.
var expectKinds = []struct {
	key string
	new func() ExpectKind
}{
	{"count", func() ExpectKind { return new(ExpectCount) }},
	{"request", func() ExpectKind { return new(ExpectRequest) }},
	{"scheduled", func() ExpectKind { return new(ExpectScheduled) }},
	{"none", func() ExpectKind { return new(ExpectNone) }},
	{"invariant", func() ExpectKind { return new(ExpectInvariant) }},
	{"metric", func() ExpectKind { return new(ExpectMetric) }},
}

// Kind is the kind of the expectation, e.g. "count"; "" when What is nil.
func (e *Expectation) Kind() string {
	if e.What == nil {
		return ""
	}
	return e.What.Kind()
}

// A Filter narrows the events an expectation looks at; zero fields match
// every event.
type Filter struct {
	Client  string
	Attempt int
	Reason  string // a skip reason
	Status  string // a run status or an operation status
	Trigger string // scheduled | onDemand
}

func (f Filter) validate() error {
	if f.Reason != "" {
		if err := oneOf("reason", f.Reason, "on-demand", "run-in-progress", "throttled"); err != nil {
			return err
		}
	}
	if f.Trigger != "" {
		if err := oneOf("trigger", f.Trigger, "scheduled", "onDemand"); err != nil {
			return err
		}
	}
	if f.Status != "" {
		return oneOf("status", f.Status, "completed", "completedWithErrors", "completedWithWarnings", "failed", "notStarted", "running", "succeeded")
	}
	return nil
}

// ExpectCount holds when the number of events of a kind (see sim.Kind) that
// match the filter is Eq, or within Min and/or Max.
type ExpectCount struct {
	Event   string `yaml:"count"`
	Client  string `yaml:"client"`
	Attempt int    `yaml:"attempt"`
	Reason  string `yaml:"reason"`
	Status  string `yaml:"status"`
	Trigger string `yaml:"trigger"`
	Eq      *Bound `yaml:"eq"`
	Min     *Bound `yaml:"min"`
	Max     *Bound `yaml:"max"`
}

// Kind is "count".
func (*ExpectCount) Kind() string { return "count" }

// Filter is the events counted.
func (c *ExpectCount) Filter() Filter {
	return Filter{Client: c.Client, Attempt: c.Attempt, Reason: c.Reason, Status: c.Status, Trigger: c.Trigger}
}

func (c *ExpectCount) validate() error {
	return firstError(eventKind("count", c.Event), c.Filter().validate(), countBounds(c.Eq, c.Min, c.Max))
}

// countBounds checks the bounds of a count: eq, or min and/or max.
func countBounds(eq, lo, hi *Bound) error {
	if eq == nil && lo == nil && hi == nil {
		return errAt("", "a count needs eq, min or max")
	}
	if eq != nil && (lo != nil || hi != nil) {
		return errAt("eq", "give eq, or min and/or max, not both")
	}
	return minMax(lo, hi)
}

// firstError is the first of errs that is not nil: the checks of an
// expectation, in the order they are reported.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// ExpectRequest holds when the request (an attempt) of the filter that
// arrived at At got Answer (accepted, throttled or conflict), with
// RetryAfter if given.
type ExpectRequest struct {
	At         Moment    `yaml:"request"`
	Client     string    `yaml:"client"`
	Attempt    int       `yaml:"attempt"`
	Answer     string    `yaml:"answer"`
	RetryAfter *Duration `yaml:"retry_after"`
}

// Kind is "request".
func (*ExpectRequest) Kind() string { return "request" }

// Filter is the request looked for.
func (r *ExpectRequest) Filter() Filter { return Filter{Client: r.Client, Attempt: r.Attempt} }

func (r *ExpectRequest) validate() error {
	if err := oneOf("answer", r.Answer, "accepted", "throttled", "conflict"); err != nil {
		return err
	}
	if r.RetryAfter != nil && r.Answer != "throttled" {
		return errAt("retry_after", "only a throttled answer has a Retry-After")
	}
	return nil
}

// ExpectScheduled holds when the scheduled run nominally due at Due had
// Outcome (ran or skipped), skipped for Reason, if given, because of the
// request accepted at Cause, if given.
type ExpectScheduled struct {
	Due     Moment  `yaml:"scheduled"`
	Outcome string  `yaml:"outcome"`
	Reason  string  `yaml:"reason"`
	Cause   *Moment `yaml:"cause"`
}

// Kind is "scheduled".
func (*ExpectScheduled) Kind() string { return "scheduled" }

func (s *ExpectScheduled) validate() error {
	if err := oneOf("outcome", s.Outcome, "ran", "skipped"); err != nil {
		return err
	}
	if s.Reason != "" {
		if err := (Filter{Reason: s.Reason}).validate(); err != nil {
			return err
		}
	}
	if s.Outcome == "ran" && (s.Reason != "" || s.Cause != nil) {
		return errAt("reason", "a scheduled run that ran has no skip reason")
	}
	if s.Cause != nil && s.Reason != "on-demand" {
		return errAt("cause", "only a skip for reason on-demand has a cause")
	}
	return nil
}

// ExpectNone holds when no event of a kind that matches the filter happens
// in [From, To).
type ExpectNone struct {
	Event   string  `yaml:"none"`
	From    *Moment `yaml:"from"`
	To      *Moment `yaml:"to"`
	Client  string  `yaml:"client"`
	Attempt int     `yaml:"attempt"`
	Reason  string  `yaml:"reason"`
	Status  string  `yaml:"status"`
	Trigger string  `yaml:"trigger"`
}

// Kind is "none".
func (*ExpectNone) Kind() string { return "none" }

// Filter is the events looked for.
func (z *ExpectNone) Filter() Filter {
	return Filter{Client: z.Client, Attempt: z.Attempt, Reason: z.Reason, Status: z.Status, Trigger: z.Trigger}
}

func (z *ExpectNone) validate() error {
	var span error
	if z.From == nil || z.To == nil {
		span = errAt("", "none needs from and to")
	}
	return firstError(eventKind("none", z.Event), span, z.Filter().validate())
}

// ExpectInvariant holds when a named property of the whole run does (see
// Invariants).
type ExpectInvariant struct {
	Invariant string `yaml:"invariant"`
}

// Kind is "invariant".
func (*ExpectInvariant) Kind() string { return "invariant" }

func (v *ExpectInvariant) validate() error {
	if _, ok := Invariants[v.Invariant]; ok {
		return nil
	}
	names := slices.Sorted(maps.Keys(Invariants))
	return errAt("invariant", "unknown invariant %q%s (known: %s)", v.Invariant, hint(v.Invariant, names), strings.Join(names, ", "))
}

// Invariants are the properties an expectation can name, and what each
// promises.
var Invariants = map[string]string{
	"throttle-window":     "no throttle window holds more counted runs than the limit",
	"skip-lookahead":      "the skip rule to keep its promise: after an on-demand start, the scheduled run due within the lookahead (next-within: the next one; all-within: every one) does not start",
	"one-operation":       "every accepted request has exactly one operation, finished or still running at the end",
	"operations-in-order": "operations finish in the order their runs finish",
}

// ExpectMetric holds when a summary figure (see metrics.MetricNames) is
// within Min and/or Max; with replications, the whole 95% confidence
// interval of its mean must be. Durations are compared in seconds,
// fractions as numbers between 0 and 1.
type ExpectMetric struct {
	Metric string `yaml:"metric"`
	Min    *Bound `yaml:"min"`
	Max    *Bound `yaml:"max"`
}

// Kind is "metric".
func (*ExpectMetric) Kind() string { return "metric" }

func (m *ExpectMetric) validate() error {
	if err := knownMetric("metric", m.Metric); err != nil {
		return err
	}
	if m.Min == nil && m.Max == nil {
		return errAt("", "a metric needs min or max")
	}
	return minMax(m.Min, m.Max)
}

// knownMetric asks the metric table whether name is a metric: the one place
// expectations learn the names.
func knownMetric(field, name string) error {
	if _, err := metrics.Lookup(name); err != nil {
		return errAt(field, "%s", strings.TrimPrefix(err.Error(), "metrics: "))
	}
	return nil
}

func minMax(lo, hi *Bound) error {
	if lo != nil && hi != nil && *lo > *hi {
		return errAt("min", "min (%g) is above max (%g)", float64(*lo), float64(*hi))
	}
	return nil
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

func eventKind(field, name string) error {
	if _, ok := sim.ParseKind(name); ok {
		return nil
	}
	var names []string
	for _, k := range sim.Kinds() {
		names = append(names, k.String())
	}
	return errAt(field, "unknown event kind %q%s (known: %s)", name, hint(name, names), strings.Join(names, ", "))
}

func kindKeys() string {
	keys := make([]string, len(expectKinds))
	for i, k := range expectKinds {
		keys[i] = k.key
	}
	return suggest.OrList(keys)
}

// decodeNode decodes an expectation from its flat mapping: the kind key
// picks the type, whose fields (and name) are the only ones allowed.
func (e *Expectation) decodeNode(d *decoder, n *node, path string) error {
	if n.kind != mappingNode {
		return d.errorf(n, path, "expected a mapping, got %s", describe(n))
	}
	var what ExpectKind
	var keys []string
	for i := 0; i+1 < len(n.content); i += 2 {
		for _, k := range expectKinds {
			if n.content[i].value == k.key {
				what = k.new()
				keys = append(keys, k.key)
			}
		}
	}
	switch len(keys) {
	case 0:
		return d.errorf(n, path, "give exactly one of %s", kindKeys())
	case 1:
	default:
		return d.errorf(n, path, "give exactly one of %s, not %s", kindKeys(), strings.Join(keys, " and "))
	}
	t := reflect.TypeOf(what).Elem()
	known := []string{"name"}
	for _, f := range fieldsOf(t) {
		known = append(known, f.name)
	}
	rest := &node{kind: mappingNode, line: n.line, col: n.col, origin: n.origin}
	named := false
	for i := 0; i+1 < len(n.content); i += 2 {
		key, val := n.content[i], n.content[i+1]
		if key.kind != scalarNode {
			return d.errorf(key, path, "expected a field name, got %s", describe(key))
		}
		switch {
		case key.value == "name" && named:
			return d.errorf(key, join(path, "name"), "set twice")
		case key.value == "name":
			named = true
			if err := d.decode(val, reflect.ValueOf(&e.Name).Elem(), join(path, "name")); err != nil {
				return err
			}
		case slices.Contains(known, key.value):
			rest.content = append(rest.content, key, val)
		default:
			return d.errorf(key, "", "unknown field %q in %s (known for %s expectations: %s)",
				key.value, path, what.Kind(), strings.Join(known, ", "))
		}
	}
	if e.Name == "" {
		return d.errorf(lookup(n, "name"), join(path, "name"), "every expectation needs a readable name")
	}
	if err := d.decodeStruct(rest, reflect.ValueOf(what).Elem(), path); err != nil {
		return err
	}
	e.What = what
	return nil
}

// validate checks an expectation built in Go (decoding checks one from a
// file as it goes).
func (e *Expectation) validate() error {
	if e.Name == "" {
		return errAt("name", "every expectation needs a readable name")
	}
	if e.What == nil {
		return errAt("", "give exactly one of %s", kindKeys())
	}
	return e.What.validate()
}

// checkExpectations checks what needs the whole file: names, client names,
// and moments against the start.
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
		if fl, ok := e.What.(interface{ Filter() Filter }); ok {
			if c := fl.Filter().Client; c != "" && !clients[c] {
				return errAt(at("client"), "unknown client %q (the scenario has: %s)", c, strings.Join(names, ", "))
			}
		}
		if z, ok := e.What.(*ExpectNone); ok && !z.To.At(f.Start.Time).After(z.From.At(f.Start.Time)) {
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
	s := &Scenario{Path: f.Name, File: f}
	if err := d.builds(s, &node{kind: mappingNode}); err != nil {
		return nil, err
	}
	return s, nil
}

package scenario

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"runsim/sim"
)

// arrivalProcesses are how a client's requests come: clients[].arrivals
// holds exactly one of them, under its name, e.g. {poisson: {rate: 2/h}}.
// Each process has an options type of its own (At, Periodic, Poisson,
// Profile, Burst, Replay), decoded from the value under its name, starting
// from the defaults given here.
var arrivalProcesses = processes{
	arrival("at", func(a *At, e env) (sim.Arrivals, error) {
		ts := make(sim.At, len(*a))
		for i, m := range *a {
			ts[i] = m.At(e.start)
		}
		return ts, nil
	}, At{}, "explicit moments, increasing", nil, "arrivals: {at: [5h, 2025-01-06T09:30:00Z]}").
		startChecked(func(a *At, start time.Time) error {
			var prev time.Time
			for j, m := range *a {
				t := m.At(start)
				if t.Before(start) {
					return errAt(fmt.Sprint(j), "%s is before the start (%s)", t.Format(time.RFC3339Nano), start.Format(time.RFC3339))
				}
				if t.Before(prev) {
					return errAt(fmt.Sprint(j), "times must be in increasing order: %s comes after %s", t.Format(time.RFC3339Nano), prev.Format(time.RFC3339Nano))
				}
				prev = t
			}
			return nil
		}),
	arrival("periodic", func(p *Periodic, e env) (sim.Arrivals, error) {
		return sim.Periodic{First: first(p.First, e.start), Every: time.Duration(p.Every), Jitter: time.Duration(p.Jitter)}, nil
	}, Periodic{}, "every period from first, each delayed by a uniform draw in [0, jitter)", []opt{
		{"every", "the period", ""}, {"jitter", "the largest delay", "0s"}, {"first", "the first request", "start"}},
		"arrivals: {periodic: {every: 1h, jitter: 2m, first: 15m}}"),
	arrival("poisson", func(p *Poisson, _ env) (sim.Arrivals, error) { return sim.Poisson{Rate: float64(p.Rate)}, nil },
		Poisson{}, "exponential gaps at a rate", []opt{{"rate", "e.g. 0.5/h, 3/d", ""}}, "arrivals: {poisson: {rate: 2/h}}"),
	arrival("profile", func(p *Profile, _ env) (sim.Arrivals, error) {
		loc, err := time.LoadLocation(p.Timezone)
		if err != nil {
			return nil, err
		}
		var table [7][24]float64
		for _, r := range p.Rates {
			days, err := parseDays(r.Days)
			if err != nil {
				return nil, err
			}
			from, to, err := parseHours(r.Hours)
			if err != nil {
				return nil, err
			}
			for _, d := range days {
				for h := from; h < to; h++ {
					table[d][h] = float64(r.Rate)
				}
			}
		}
		return sim.NewProfile(loc, table), nil
	}, Profile{Timezone: "UTC"}, "a Poisson rate by hour of day and weekday in a time zone (thinning); zero outside the rows", []opt{
		{"timezone", "an IANA time zone", ""}, {"rates", "rows of {days: mon-fri, hours: 9-17, rate: 4/h}; hours are [from, to)", ""}},
		"arrivals: {profile: {timezone: America/New_York, rates: [{days: mon-fri, hours: 9-17, rate: 4/h}]}}"),
	arrival("burst", func(b *Burst, e env) (sim.Arrivals, error) {
		return sim.Bursts{First: first(b.First, e.start), Every: time.Duration(b.Every), Size: b.Size, Spacing: time.Duration(b.Spacing)}, nil
	}, Burst{Spacing: Duration(time.Second)}, "size requests spacing apart, every period from first", []opt{
		{"size", "requests per burst", ""}, {"spacing", "between requests", ""}, {"every", "between bursts; 0: one burst", "0s"}, {"first", "the first burst", "start"}},
		"arrivals: {burst: {size: 10, spacing: 6s, first: 9h, every: 1d}}"),
	arrival("replay", func(r *Replay, e env) (sim.Arrivals, error) {
		if r.rows == nil {
			return nil, fmt.Errorf("the request log %s was not read", r.File)
		}
		return sim.At(r.times(e.client)), nil
	}, Replay{}, "the times of a CSV request log: a header with a time column (RFC 3339) and an optional client column (rows of other clients are left out)", []opt{
		{"file", "the CSV, relative to the scenario file", ""}},
		"arrivals: {replay: {file: requests.csv}}"),
}

// At is a list of explicit request moments, in increasing order.
type At []Moment

// Periodic requests: every Every from First (default start), each delayed
// by a uniform draw in [0, Jitter).
type Periodic struct {
	Every  Duration `yaml:"every"`
	Jitter Duration `yaml:"jitter"`
	First  *Moment  `yaml:"first"`
}

func (p *Periodic) validate() error {
	if time.Duration(p.Every) < time.Second {
		return errAt("every", "must be at least 1s, got %s", p.Every)
	}
	if p.Jitter >= p.Every {
		return errAt("jitter", "must be shorter than every (%s), got %s", p.Every, p.Jitter)
	}
	return nil
}

// Poisson requests at Rate.
type Poisson struct {
	Rate Rate `yaml:"rate"`
}

func (p *Poisson) validate() error {
	if p.Rate <= 0 {
		return errAt("rate", "missing: e.g. rate: 0.5/h")
	}
	return nil
}

// Profile is a Poisson rate by hour of day and weekday.
type Profile struct {
	Timezone string        `yaml:"timezone"`
	Rates    []ProfileRate `yaml:"rates"`
}

// ProfileRate is one row of a profile: a rate on some days, some hours.
type ProfileRate struct {
	Days  string `yaml:"days"`  // mon-fri, sat,sun, daily
	Hours string `yaml:"hours"` // 9-17: [09:00, 17:00)
	Rate  Rate   `yaml:"rate"`
}

func (p *Profile) validate() error {
	if _, err := time.LoadLocation(p.Timezone); err != nil || p.Timezone == "" {
		return errAt("timezone", "unknown time zone %q", p.Timezone)
	}
	if len(p.Rates) == 0 {
		return errAt("rates", "a profile needs at least one row, e.g. {days: mon-fri, hours: 9-17, rate: 4/h}")
	}
	for i, r := range p.Rates {
		if _, err := parseDays(r.Days); err != nil {
			return errAt(fmt.Sprintf("rates.%d.days", i), "%v", err)
		}
		if _, _, err := parseHours(r.Hours); err != nil {
			return errAt(fmt.Sprintf("rates.%d.hours", i), "%v", err)
		}
		if r.Rate <= 0 {
			return errAt(fmt.Sprintf("rates.%d.rate", i), "missing: e.g. rate: 4/h")
		}
	}
	return nil
}

// MaxBurstSize bounds the requests of one burst.
const MaxBurstSize = 1_000_000

// Burst is Size requests Spacing apart, every Every from First.
type Burst struct {
	Size    int      `yaml:"size"`
	Spacing Duration `yaml:"spacing"`
	Every   Duration `yaml:"every"`
	First   *Moment  `yaml:"first"`
}

func (b *Burst) validate() error {
	if b.Size < 1 {
		return errAt("size", "must be at least 1, got %d", b.Size)
	}
	if b.Size > MaxBurstSize {
		return errAt("size", "must be at most %d, got %d", MaxBurstSize, b.Size)
	}
	// In milliseconds: 100y times a million requests holds in an int64.
	if b.Every > 0 && time.Duration(b.Spacing).Milliseconds()*int64(b.Size-1) >= time.Duration(b.Every).Milliseconds() {
		return errAt("every", "a burst (%d requests %s apart) must end before the next one starts", b.Size, b.Spacing)
	}
	return nil
}

// Replay is a request log in CSV.
type Replay struct {
	File string `yaml:"file"`

	rows []replayRow
}

func (r *Replay) validate() error {
	if r.File == "" {
		return errAt("file", "missing: the CSV request log")
	}
	return nil
}

func first(m *Moment, start time.Time) time.Time {
	if m == nil {
		return start
	}
	return m.At(start)
}

// Arrivals is exactly one arrival process: Process points to the options
// type of a row of arrivalProcesses, e.g. &Poisson{Rate: 2}; the type says
// which process it is.
type Arrivals struct {
	Process any
}

// Name returns the name of the arrival process, "" when there is none.
func (a Arrivals) Name() string {
	if p, ok := arrivalProcesses.of(a.Process); ok {
		return p.name()
	}
	return ""
}

// decodeNode reads {NAME: OPTIONS}: the name picks the process, whose
// options are decoded from its defaults.
func (a *Arrivals) decodeNode(d *decoder, n *node, path string) error {
	if n.kind != mappingNode {
		return d.errorf(n, path, "expected a mapping, got %s", describe(n))
	}
	a.Process = nil
	for i := 0; i+1 < len(n.content); i += 2 {
		key, val := n.content[i], n.content[i+1]
		p, ok := arrivalProcesses.named(key.value)
		if key.kind != scalarNode || !ok {
			return d.errorf(key, path, "unknown arrival process %s (known: %s)", describe(key), strings.Join(arrivalProcesses.names(), ", "))
		}
		if a.Process != nil && p.name() == a.Name() {
			return d.errorf(key, join(path, key.value), "set twice")
		}
		spec := p.newSpec()
		if err := d.decode(val, reflect.ValueOf(spec).Elem(), join(path, key.value)); err != nil {
			return err
		}
		if a.Process != nil {
			return d.errorf(n, path, "give exactly one of %s", strings.Join(arrivalProcesses.names(), ", "))
		}
		a.Process = spec
	}
	if err := a.validate(); err != nil {
		return d.placed(n, path, err)
	}
	return nil
}

// held is what validateTree checks of arrivals built in Go.
func (a *Arrivals) held() (string, any) { return a.Name(), a.Process }

func (a *Arrivals) validate() error {
	if _, ok := arrivalProcesses.of(a.Process); !ok {
		return errAt("", "give exactly one of %s", strings.Join(arrivalProcesses.names(), ", "))
	}
	return nil
}

// checkStart checks what needs the scenario's start; a field error is
// placed below the process.
func (a Arrivals) checkStart(start time.Time) error {
	p, ok := arrivalProcesses.of(a.Process)
	if !ok {
		return errAt("", "give exactly one of %s", strings.Join(arrivalProcesses.names(), ", "))
	}
	err := p.checkStart(a.Process, start)
	if fe, ok := err.(*fieldError); ok {
		return errAt(join(p.name(), fe.field), "%s", fe.msg)
	}
	return err
}

func (a Arrivals) build(e env) (sim.Arrivals, error) {
	p, ok := arrivalProcesses.of(a.Process)
	if !ok {
		return nil, fmt.Errorf("client %s: unknown arrival process %T (known: %s)", e.client, a.Process, strings.Join(arrivalProcesses.names(), ", "))
	}
	return p.build(a.Process, e)
}

// An arrivalProcess is a row of arrivalProcesses, whatever its options
// type.
type arrivalProcess interface {
	name() string
	newSpec() any // a pointer to a fresh copy of the defaults
	owns(spec any) bool
	build(spec any, e env) (sim.Arrivals, error)
	checkStart(spec any, start time.Time) error
	doc() Variant
}

// A process is an arrival process whose options are an S. Its builder is
// not optional: arrival is the only way to declare one, and takes the
// builder before anything else.
type process[S any] struct {
	key, meaning, example string
	builder               func(s *S, e env) (sim.Arrivals, error)
	defaults              S
	options               []opt
	startCheck            func(s *S, start time.Time) error // nil: none
}

// arrival declares an arrival process.
func arrival[S any](name string, build func(s *S, e env) (sim.Arrivals, error), defaults S, doc string, options []opt, example string) *process[S] {
	return &process[S]{key: name, builder: build, defaults: defaults, meaning: doc, options: options, example: example}
}

// startChecked returns the process with a check that needs the start.
func (p *process[S]) startChecked(check func(s *S, start time.Time) error) *process[S] {
	p.startCheck = check
	return p
}

func (p *process[S]) name() string { return p.key }

func (p *process[S]) newSpec() any {
	s := p.defaults
	return &s
}

func (p *process[S]) owns(spec any) bool {
	s, ok := spec.(*S)
	return ok && s != nil
}

func (p *process[S]) build(spec any, e env) (sim.Arrivals, error) {
	if p.builder == nil {
		return nil, fmt.Errorf("arrival process %q has no builder", p.key)
	}
	return p.builder(spec.(*S), e)
}

func (p *process[S]) checkStart(spec any, start time.Time) error {
	if p.startCheck == nil {
		return nil
	}
	return p.startCheck(spec.(*S), start)
}

func (p *process[S]) doc() Variant {
	return Variant{Name: p.key, Doc: p.meaning, Example: p.example, Options: documented(reflect.ValueOf(&p.defaults).Elem(), p.options)}
}

type processes []arrivalProcess

func (ps processes) names() []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.name()
	}
	return out
}

func (ps processes) named(name string) (arrivalProcess, bool) {
	for _, p := range ps {
		if p.name() == name {
			return p, true
		}
	}
	return nil, false
}

// of returns the process whose options type spec is.
func (ps processes) of(spec any) (arrivalProcess, bool) {
	for _, p := range ps {
		if p.owns(spec) {
			return p, true
		}
	}
	return nil, false
}

func (ps processes) doc() Family {
	f := Family{Name: "arrival process", Field: "clients[].arrivals", Keys: []string{"arrivals"}}
	for _, p := range ps {
		f.Variants = append(f.Variants, p.doc())
	}
	return f
}

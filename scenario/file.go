package scenario

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// File is a scenario file. Fields left out take the documented defaults
// (see Default).
type File struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Start       *Instant `yaml:"start"`
	Horizon     *Horizon `yaml:"horizon"`
	Seed        uint64   `yaml:"seed"`
	// Replications is how many independent runs runsim check makes, the
	// first with Seed, the others with seeds derived from it.
	Replications int            `yaml:"replications"`
	Service      Service        `yaml:"service"`
	Clients      []*Client      `yaml:"clients"`
	Expect       []*Expectation `yaml:"expect"`
	// Variants are alternative readings that runsim compare puts side by
	// side with the scenario, on the same random numbers.
	Variants []*VariantSpec `yaml:"variants"`
}

// VariantSpec is a named set of overrides: field paths and their values.
type VariantSpec struct {
	Name string   `yaml:"name"`
	Set  Settings `yaml:"set"`
}

func (v *VariantSpec) validate() error {
	if v.Name == "" {
		return errAt("name", "every variant needs a name")
	}
	if len(v.Set.paths) == 0 {
		return errAt("set", "a variant sets at least one field, e.g. set: {service.throttle.kind: token-bucket}")
	}
	return nil
}

// MaxSettings bounds the fields one variant sets: each is applied to the
// document in turn, so the bound also bounds the work of loading.
const MaxSettings = 1000

// Settings maps field paths to YAML values, kept as written.
type Settings struct {
	paths  []string
	values map[string]*node
}

func (s *Settings) decodeRaw(n *node) error {
	if n.kind != mappingNode {
		return fmt.Errorf("expected a mapping of field paths to values, e.g. {service.throttle.limit: 6}")
	}
	if len(n.content)/2 > MaxSettings {
		return fmt.Errorf("%d fields set; a variant sets at most %d", len(n.content)/2, MaxSettings)
	}
	s.values = map[string]*node{}
	for i := 0; i+1 < len(n.content); i += 2 {
		k := n.content[i].value
		s.paths = append(s.paths, k)
		s.values[k] = n.content[i+1]
	}
	return nil
}

// Service holds the policies of the simulated service.
type Service struct {
	Schedule Schedule `yaml:"schedule"`
	Throttle Throttle `yaml:"throttle"`
	Skip     Skip     `yaml:"skip"`
	Overlap  Overlap  `yaml:"overlap"`
	Run      Run      `yaml:"run"`
}

// Schedule is when the service runs by itself (see Schedules).
type Schedule struct {
	Kind     string   `yaml:"kind"`
	Every    Duration `yaml:"every"`
	Anchor   *Instant `yaml:"anchor"` // default: start
	Cron     string   `yaml:"cron"`
	Timezone string   `yaml:"timezone"`
	Times    []Moment `yaml:"times"`
	Jitter   Duration `yaml:"jitter"`
}

// Throttle is the start throttle (see Throttles).
type Throttle struct {
	Kind       string   `yaml:"kind"`
	Limit      int      `yaml:"limit"`
	Window     Duration `yaml:"window"`
	Burst      int      `yaml:"burst"`  // token-bucket, gcra; 0: limit
	Anchor     *Instant `yaml:"anchor"` // fixed; default: the schedule's anchor, else start
	Counts     string   `yaml:"counts"`
	Reserve    bool     `yaml:"reserve"`
	Scheduled  string   `yaml:"scheduled"`
	RetryAfter string   `yaml:"retry_after"`
}

// Skip is the rule by which an on-demand run skips scheduled ones (see
// SkipRules).
type Skip struct {
	Kind      string   `yaml:"kind"`
	Lookahead Duration `yaml:"lookahead"`
	From      string   `yaml:"from"` // request | run-start
}

// Overlap is what happens to a start while a run is in progress (see
// OnDemandOverlaps and ScheduledOverlaps).
type Overlap struct {
	OnDemand  string `yaml:"on_demand"`
	Scheduled string `yaml:"scheduled"`
}

// Run is how long runs last and how they end.
type Run struct {
	Duration Dist     `yaml:"duration"`
	Outcomes Outcomes `yaml:"outcomes"`
}

// Dist is a distribution of durations (see Distributions).
type Dist struct {
	Dist    string   `yaml:"dist"`
	Value   Duration `yaml:"value"`   // constant
	Mean    Duration `yaml:"mean"`    // exponential, gamma
	Median  Duration `yaml:"median"`  // lognormal
	Sigma   float64  `yaml:"sigma"`   // lognormal
	Shape   float64  `yaml:"shape"`   // gamma
	Samples string   `yaml:"samples"` // empirical: a file of durations

	samples []time.Duration
}

// Outcomes maps run statuses to probabilities that sum to 1.
type Outcomes map[string]float64

// Client is a caller of POST /external/industryData/runs/start.
type Client struct {
	Name       string   `yaml:"name"`
	Arrivals   Arrivals `yaml:"arrivals"`
	OnThrottle Retry    `yaml:"on_throttle"`
	OnConflict Retry    `yaml:"on_conflict"`
	Poll       Duration `yaml:"poll"` // poll the operation's Location this often; 0: never
}

// Arrivals is exactly one arrival process (see ArrivalProcesses).
type Arrivals struct {
	At       []Moment  `yaml:"at"`
	Periodic *Periodic `yaml:"periodic"`
	Poisson  *Poisson  `yaml:"poisson"`
	Profile  *Profile  `yaml:"profile"`
	Burst    *Burst    `yaml:"burst"`
	Replay   *Replay   `yaml:"replay"`
}

// Periodic requests: every Every from First (default start), each delayed
// by a uniform draw in [0, Jitter).
type Periodic struct {
	Every  Duration `yaml:"every"`
	Jitter Duration `yaml:"jitter"`
	First  *Moment  `yaml:"first"`
}

// Poisson requests at Rate.
type Poisson struct {
	Rate Rate `yaml:"rate"`
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

// Burst is Size requests Spacing apart, every Every from First.
type Burst struct {
	Size    int      `yaml:"size"`
	Spacing Duration `yaml:"spacing"`
	Every   Duration `yaml:"every"`
	First   *Moment  `yaml:"first"`
}

// Replay is a request log in CSV.
type Replay struct {
	File string `yaml:"file"`

	rows []replayRow
}

// Retry is what a client does after a refusal (see ClientBehaviours).
type Retry struct {
	Retry       string   `yaml:"retry"`
	Delay       Duration `yaml:"delay"`
	Cap         Duration `yaml:"cap"`
	MaxAttempts int      `yaml:"max_attempts"`
}

// Default returns a scenario with the documented rules: a run every 12h
// anchored at the start, a sliding log of 5 successful runs per 12h, the
// skip-next-within-10h rule, 409 for a start during a run, scheduled runs
// skipped during a run, runs lasting a lognormal 110 minutes (sigma 0.3)
// that complete 95% of the time. Start and horizon have no default.
func Default() File {
	return File{
		Seed:         1,
		Replications: 1,
		Service: Service{
			Schedule: Schedule{Kind: "every", Every: Duration(12 * time.Hour), Timezone: "UTC"},
			Throttle: Throttle{Kind: "sliding", Limit: 5, Window: Duration(12 * time.Hour), Counts: "successful", Reserve: true,
				Scheduled: "throttled", RetryAfter: "exact"},
			Skip:    Skip{Kind: "next-within", Lookahead: Duration(10 * time.Hour), From: "request"},
			Overlap: Overlap{OnDemand: "reject", Scheduled: "skip"},
			Run: Run{
				Duration: Dist{Dist: "lognormal", Median: Duration(110 * time.Minute), Sigma: 0.3},
				Outcomes: Outcomes{"completed": 0.95, "failed": 0.05},
			},
		},
	}
}

func oneOf(field, got string, known ...string) error {
	if slices.Contains(known, got) {
		return nil
	}
	return errAt(field, "unknown %s %q (known: %s)", field, got, strings.Join(known, ", "))
}

func (f *File) validate() error {
	if f.Start == nil {
		return errAt("start", "missing: say when the simulation starts, e.g. start: 2025-01-06T00:00:00Z")
	}
	if f.Horizon == nil {
		return errAt("horizon", "missing: say how long to simulate, e.g. horizon: 14d")
	}
	if *f.Horizon <= 0 {
		return errAt("horizon", "must be positive")
	}
	if *f.Horizon > MaxHorizon {
		return errAt("horizon", "longer than the limit of 1000y")
	}
	if f.Replications < 1 || f.Replications > 100_000 {
		return errAt("replications", "must be between 1 and 100000, got %d", f.Replications)
	}
	names := map[string]bool{}
	for i, c := range f.Clients {
		if names[c.Name] {
			return errAt(fmt.Sprintf("clients.%d.name", i), "client %q is named twice", c.Name)
		}
		names[c.Name] = true
		var prev time.Time
		for j, m := range c.Arrivals.At {
			t := m.At(f.Start.Time)
			field := fmt.Sprintf("clients.%d.arrivals.at.%d", i, j)
			if t.Before(f.Start.Time) {
				return errAt(field, "%s is before the start (%s)", t.Format(time.RFC3339Nano), f.Start.Format(time.RFC3339))
			}
			if t.Before(prev) {
				return errAt(field, "times must be in increasing order: %s comes after %s", t.Format(time.RFC3339Nano), prev.Format(time.RFC3339Nano))
			}
			prev = t
		}
	}
	return f.checkExpectations()
}

func (s *Schedule) validate() error {
	if err := Schedules.check("kind", s.Kind); err != nil {
		return err
	}
	switch s.Kind {
	case "every":
		if time.Duration(s.Every) < time.Second {
			return errAt("every", "must be at least 1s, got %s", s.Every)
		}
	case "cron":
		if s.Cron == "" {
			return errAt("cron", "missing: e.g. cron: \"0 2,14 * * *\"")
		}
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil {
			return errAt("timezone", "unknown time zone %q", s.Timezone)
		}
		if _, err := policy.NewCron(s.Cron, loc); err != nil {
			return errAt("cron", "%v", strings.TrimPrefix(err.Error(), "policy: "))
		}
	case "list":
		if len(s.Times) == 0 {
			return errAt("times", "a list schedule needs times")
		}
	}
	return nil
}

func (t *Throttle) validate() error {
	if err := Throttles.check("kind", t.Kind); err != nil {
		return err
	}
	if _, ok := policy.ParseCounting(t.Counts); !ok {
		return errAt("counts", "unknown counts %q (known: successful, accepted, attempts)", t.Counts)
	}
	if err := oneOf("scheduled", t.Scheduled, "throttled", "counted", "not-counted"); err != nil {
		return err
	}
	if err := oneOf("retry_after", t.RetryAfter, "exact", "none"); err != nil {
		return err
	}
	if t.Limit < 1 {
		return errAt("limit", "must be at least 1, got %d", t.Limit)
	}
	if time.Duration(t.Window) < time.Second {
		return errAt("window", "must be at least 1s, got %s", t.Window)
	}
	if t.Burst < 0 {
		return errAt("burst", "must be at least 1, got %d", t.Burst)
	}
	if t.Kind == "gcra" && time.Duration(t.Window)/time.Duration(t.Limit) < time.Millisecond {
		return errAt("limit", "gcra needs window/limit of at least 1ms")
	}
	return nil
}

func (s *Skip) validate() error {
	if err := SkipRules.check("kind", s.Kind); err != nil {
		return err
	}
	return oneOf("from", s.From, "request", "run-start")
}

func (o *Overlap) validate() error {
	if err := OnDemandOverlaps.check("on_demand", o.OnDemand); err != nil {
		return err
	}
	return ScheduledOverlaps.check("scheduled", o.Scheduled)
}

func (d *Dist) validate() error {
	if err := Distributions.check("dist", d.Dist); err != nil {
		return err
	}
	need := map[string]Duration{"constant": d.Value, "exponential": d.Mean, "lognormal": d.Median, "gamma": d.Mean}
	field := map[string]string{"constant": "value", "exponential": "mean", "lognormal": "median", "gamma": "mean"}[d.Dist]
	if field != "" && need[d.Dist] <= 0 {
		return errAt(field, "a %s duration needs a positive %s", d.Dist, field)
	}
	switch d.Dist {
	case "lognormal":
		if !(d.Sigma > 0 && d.Sigma <= 5) {
			return errAt("sigma", "must be in (0, 5], got %g", d.Sigma)
		}
	case "gamma":
		if !(d.Shape > 0 && d.Shape <= 1e6) {
			return errAt("shape", "must be positive, got %g", d.Shape)
		}
	case "empirical":
		if d.Samples == "" {
			return errAt("samples", "missing: the file of observed durations")
		}
	}
	return nil
}

func (r *Run) validate() error {
	if len(r.Outcomes) == 0 {
		return errAt("outcomes", "at least one status needs a probability")
	}
	sum := 0.0
	for _, status := range slices.Sorted(maps.Keys(r.Outcomes)) { // the same error every time
		p := r.Outcomes[status]
		if _, ok := sim.ParseRunStatus(status); !ok || status == "running" {
			return errAt("outcomes."+status, "unknown run status %q (known: completed, completedWithErrors, completedWithWarnings, failed)", status)
		}
		if !(p >= 0 && p <= 1) {
			return errAt("outcomes."+status, "probability must be between 0 and 1, got %g", p)
		}
		sum += p
	}
	if math.Abs(sum-1) > 1e-9 {
		return errAt("outcomes", "probabilities must sum to 1, they sum to %g", sum)
	}
	return nil
}

// defaultRetry gives up; a client that sets a retry makes at most 3
// attempts in all, waiting 15m where it has no Retry-After, backing off up
// to 1h.
var defaultRetry = Retry{Retry: "give-up", Delay: Duration(15 * time.Minute), Cap: Duration(time.Hour), MaxAttempts: 3}

func (c *Client) setDefaults() { c.OnThrottle, c.OnConflict = defaultRetry, defaultRetry }

func (c *Client) validate() error {
	if c.Name == "" {
		return errAt("name", "every client needs a name")
	}
	return nil
}

func (a *Arrivals) validate() error {
	n := 0
	for _, set := range []bool{a.At != nil, a.Periodic != nil, a.Poisson != nil, a.Profile != nil, a.Burst != nil, a.Replay != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errAt("", "give exactly one of %s", strings.Join(ArrivalProcesses.Names(), ", "))
	}
	return nil
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

func (p *Profile) setDefaults() { p.Timezone = "UTC" }

func (b *Burst) validate() error {
	if b.Size < 1 {
		return errAt("size", "must be at least 1, got %d", b.Size)
	}
	if b.Every > 0 && time.Duration(b.Spacing)*time.Duration(b.Size-1) >= time.Duration(b.Every) {
		return errAt("every", "a burst (%d requests %s apart) must end before the next one starts", b.Size, b.Spacing)
	}
	return nil
}

func (b *Burst) setDefaults() { b.Spacing = Duration(time.Second) }

func (r *Replay) validate() error {
	if r.File == "" {
		return errAt("file", "missing: the CSV request log")
	}
	return nil
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

func (p *Poisson) validate() error {
	if p.Rate <= 0 {
		return errAt("rate", "missing: e.g. rate: 0.5/h")
	}
	return nil
}

func (r *Retry) validate() error {
	if err := ClientBehaviours.check("retry", r.Retry); err != nil {
		return err
	}
	if r.MaxAttempts < 1 {
		return errAt("max_attempts", "must be at least 1 (the first attempt counts), got %d", r.MaxAttempts)
	}
	if r.Retry != "give-up" && r.Delay <= 0 {
		return errAt("delay", "must be positive, got %s", r.Delay)
	}
	if r.Cap < r.Delay && (r.Retry == "backoff" || r.Retry == "after-retry-after") {
		return errAt("cap", "must be at least delay (%s), got %s", r.Delay, r.Cap)
	}
	return nil
}

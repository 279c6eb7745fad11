package scenarios

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

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
}

// Service holds the policies of the simulated service.
type Service struct {
	Schedule Schedule `yaml:"schedule"`
	Throttle Throttle `yaml:"throttle"`
	Skip     Skip     `yaml:"skip"`
	Overlap  Overlap  `yaml:"overlap"`
	Run      Run      `yaml:"run"`
}

// Schedule is when the service runs by itself.
type Schedule struct {
	Kind   string   `yaml:"kind"`   // every | none
	Every  Duration `yaml:"every"`  // the period
	Anchor *Instant `yaml:"anchor"` // a nominal instant of the grid; default: start
}

// Throttle is the start throttle.
type Throttle struct {
	Kind      string   `yaml:"kind"` // sliding | none
	Limit     int      `yaml:"limit"`
	Window    Duration `yaml:"window"`
	Counts    string   `yaml:"counts"`    // successful | started
	Scheduled string   `yaml:"scheduled"` // throttled | counted | not-counted
}

// Skip is the rule by which an on-demand run skips a scheduled one.
type Skip struct {
	Kind      string   `yaml:"kind"` // next-within | none
	Lookahead Duration `yaml:"lookahead"`
}

// Overlap is what happens to a start while a run is in progress.
type Overlap struct {
	OnDemand  string `yaml:"on_demand"` // reject | concurrent
	Scheduled string `yaml:"scheduled"` // skip | concurrent
}

// Run is how long runs last and how they end.
type Run struct {
	Duration Dist     `yaml:"duration"`
	Outcomes Outcomes `yaml:"outcomes"`
}

// Dist is a distribution of durations.
type Dist struct {
	Dist   string   `yaml:"dist"`   // constant | exponential | lognormal
	Value  Duration `yaml:"value"`  // constant
	Mean   Duration `yaml:"mean"`   // exponential
	Median Duration `yaml:"median"` // lognormal
	Sigma  float64  `yaml:"sigma"`  // lognormal
}

// Outcomes maps run statuses to probabilities that sum to 1.
type Outcomes map[string]float64

// Client is a caller of POST /external/industryData/runs/start.
type Client struct {
	Name       string   `yaml:"name"`
	Arrivals   Arrivals `yaml:"arrivals"`
	OnThrottle Retry    `yaml:"on_throttle"`
	OnConflict Retry    `yaml:"on_conflict"`
}

// Arrivals is exactly one arrival process.
type Arrivals struct {
	At       []Moment  `yaml:"at"`
	Periodic *Periodic `yaml:"periodic"`
	Poisson  *Poisson  `yaml:"poisson"`
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

// Retry is what a client does after a refusal.
type Retry struct {
	Retry       string   `yaml:"retry"` // give-up | after-retry-after | after-delay
	Delay       Duration `yaml:"delay"`
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
			Schedule: Schedule{Kind: "every", Every: Duration(12 * time.Hour)},
			Throttle: Throttle{Kind: "sliding", Limit: 5, Window: Duration(12 * time.Hour), Counts: "successful", Scheduled: "throttled"},
			Skip:     Skip{Kind: "next-within", Lookahead: Duration(10 * time.Hour)},
			Overlap:  Overlap{OnDemand: "reject", Scheduled: "skip"},
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
	if err := oneOf("kind", s.Kind, "every", "none"); err != nil {
		return err
	}
	if s.Kind == "every" && time.Duration(s.Every) < time.Second {
		return errAt("every", "must be at least 1s, got %s", s.Every)
	}
	return nil
}

func (t *Throttle) validate() error {
	if err := oneOf("kind", t.Kind, "sliding", "none"); err != nil {
		return err
	}
	if err := oneOf("counts", t.Counts, "successful", "started"); err != nil {
		return err
	}
	if err := oneOf("scheduled", t.Scheduled, "throttled", "counted", "not-counted"); err != nil {
		return err
	}
	if t.Limit < 1 {
		return errAt("limit", "must be at least 1, got %d", t.Limit)
	}
	if time.Duration(t.Window) < time.Second {
		return errAt("window", "must be at least 1s, got %s", t.Window)
	}
	return nil
}

func (s *Skip) validate() error { return oneOf("kind", s.Kind, "next-within", "none") }

func (o *Overlap) validate() error {
	if err := oneOf("on_demand", o.OnDemand, "reject", "concurrent"); err != nil {
		return err
	}
	return oneOf("scheduled", o.Scheduled, "skip", "concurrent")
}

func (d *Dist) validate() error {
	if err := oneOf("dist", d.Dist, "constant", "exponential", "lognormal"); err != nil {
		return err
	}
	need := map[string]Duration{"constant": d.Value, "exponential": d.Mean, "lognormal": d.Median}
	field := map[string]string{"constant": "value", "exponential": "mean", "lognormal": "median"}[d.Dist]
	if need[d.Dist] <= 0 {
		return errAt(field, "a %s duration needs a positive %s", d.Dist, field)
	}
	if d.Dist == "lognormal" && !(d.Sigma > 0 && d.Sigma <= 5) {
		return errAt("sigma", "must be in (0, 5], got %g", d.Sigma)
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

// defaultRetry gives up; a client that sets retry: after-... retries at
// most 3 attempts in all, waiting 15m where it has no Retry-After.
var defaultRetry = Retry{Retry: "give-up", Delay: Duration(15 * time.Minute), MaxAttempts: 3}

func (c *Client) setDefaults() { c.OnThrottle, c.OnConflict = defaultRetry, defaultRetry }

func (c *Client) validate() error {
	if c.Name == "" {
		return errAt("name", "every client needs a name")
	}
	return nil
}

func (a *Arrivals) validate() error {
	n := 0
	for _, set := range []bool{a.At != nil, a.Periodic != nil, a.Poisson != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errAt("", "give exactly one of at, periodic or poisson")
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
	if err := oneOf("retry", r.Retry, "give-up", "after-retry-after", "after-delay"); err != nil {
		return err
	}
	if r.MaxAttempts < 1 {
		return errAt("max_attempts", "must be at least 1 (the first attempt counts), got %d", r.MaxAttempts)
	}
	if r.Retry != "give-up" && r.Delay <= 0 {
		return errAt("delay", "must be positive, got %s", r.Delay)
	}
	return nil
}

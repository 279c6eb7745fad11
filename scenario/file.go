package scenario

import (
	"fmt"
	"maps"
	"math"
	"runsim/internal/suggest"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"runsim/sim"
)

// File is a scenario file. Fields left out take the documented defaults
// (see Default).
type File struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Start       *Instant `yaml:"start"`
	Horizon     *Horizon `yaml:"horizon"`
	// Warmup is the initial transient every metric leaves out (fresh data
	// and an empty throttle window at the start): figures are measured
	// from start+warmup to the end. Less than the horizon; 0 by default.
	Warmup Horizon `yaml:"warmup"`
	Seed   uint64  `yaml:"seed"`
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
	if err := checkName(v.Name); err != nil {
		return err
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

// Schedule is when the service runs by itself (see schedules.go).
type Schedule struct {
	Kind     string   `yaml:"kind"`
	Every    Duration `yaml:"every"`
	Anchor   *Instant `yaml:"anchor"` // default: start
	Cron     string   `yaml:"cron"`
	Timezone string   `yaml:"timezone"`
	Times    []Moment `yaml:"times"`
	Jitter   Duration `yaml:"jitter"`
}

// Throttle is the start throttle (see throttles.go).
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
	Refusal    string   `yaml:"refusal"` // 429 or accepted-then-failed
}

// Skip is the rule by which an on-demand run skips scheduled ones (see
// skips.go).
type Skip struct {
	Kind      string   `yaml:"kind"`
	Lookahead Duration `yaml:"lookahead"`
	From      string   `yaml:"from"` // request | run-start
}

// Overlap is what happens to a start while a run is in progress (see
// overlaps.go).
type Overlap struct {
	OnDemand  string `yaml:"on_demand"`
	Scheduled string `yaml:"scheduled"`
}

// Run is how long runs last and how they end.
type Run struct {
	Duration Dist     `yaml:"duration"`
	Outcomes Outcomes `yaml:"outcomes"`
}

// Dist is a distribution of durations (see distributions.go).
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

// Retry is what a client does after a refusal (see retries.go).
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
				Scheduled: "throttled", RetryAfter: "exact", Refusal: "429"},
			Skip:    Skip{Kind: "next-within", Lookahead: Duration(10 * time.Hour), From: "request"},
			Overlap: Overlap{OnDemand: "reject", Scheduled: "skip"},
			Run: Run{
				Duration: Dist{Dist: "lognormal", Median: Duration(110 * time.Minute), Sigma: 0.3},
				Outcomes: Outcomes{"completed": 0.95, "failed": 0.05},
			},
		},
	}
}

// oneOf checks a value that takes one of a few names.
func oneOf(field, got string, known ...string) error {
	if slices.Contains(known, got) {
		return nil
	}
	return errAt(field, "unknown %s %q%s (known: %s)", field, got, hint(got, known), strings.Join(known, ", "))
}

// MaxReplications bounds the replications of a scenario, and of
// runsim's --replications.
const MaxReplications = 100_000

// MaxNameBytes bounds the names of a scenario, its clients and variants.
const MaxNameBytes = 200

// checkName refuses a name that would not print as one piece of text: a
// name is valid UTF-8 of at most MaxNameBytes, made of printable
// characters (letters, marks, numbers, punctuation, symbols) and the ASCII
// space, so that no name can break a line of a trace or a report.
func checkName(name string) error {
	if len(name) > MaxNameBytes {
		return errAt("name", "longer than %d bytes", MaxNameBytes)
	}
	if !utf8.ValidString(name) {
		return errAt("name", "%q is not valid UTF-8", name)
	}
	for _, r := range name {
		if r != ' ' && !unicode.IsPrint(r) {
			return errAt("name", "%q holds the control or invisible character %U: names are printable text", name, r)
		}
	}
	return nil
}

func (f *File) validate() error {
	if f.Name != "" {
		if err := checkName(f.Name); err != nil {
			return err
		}
	}
	if f.Start == nil {
		return errAt("start", "missing: say when the simulation starts, e.g. start: 2025-01-06T00:00:00Z")
	}
	if y := f.Start.Year(); y < MinYear || y > MaxYear { // as decoded; again for a File built in Go
		return errAt("start", "%s is out of range: instants lie in the years %d to %d", f.Start.Format(time.RFC3339), MinYear, MaxYear)
	}
	if f.Horizon == nil {
		return errAt("horizon", "missing: say how long to simulate, e.g. horizon: 14d")
	}
	if *f.Horizon <= 0 {
		return errAt("horizon", "must be positive")
	}
	if *f.Horizon > MaxHorizon {
		return errAt("horizon", "longer than the limit of %s", Horizon(MaxHorizon))
	}
	if f.Warmup < 0 || f.Warmup >= *f.Horizon {
		return errAt("warmup", "must be shorter than the horizon (%s), got %s", *f.Horizon, f.Warmup)
	}
	if f.Replications < 1 || f.Replications > MaxReplications {
		return errAt("replications", "must be between 1 and %d, got %d", MaxReplications, f.Replications)
	}
	names := map[string]bool{}
	for i, c := range f.Clients {
		if names[c.Name] {
			return errAt(fmt.Sprintf("clients.%d.name", i), "client %q is named twice", c.Name)
		}
		names[c.Name] = true
		if err := c.Arrivals.checkStart(f.Start.Time); err != nil {
			if fe, ok := err.(*fieldError); ok {
				return errAt(join(fmt.Sprintf("clients.%d.arrivals", i), fe.field), "%s", fe.msg)
			}
			return err
		}
	}
	return f.checkExpectations()
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

func (c *Client) setDefaults() { c.OnThrottle, c.OnConflict = defaultRetry, defaultRetry }

func (c *Client) validate() error {
	if c.Name == "" {
		return errAt("name", "every client needs a name")
	}
	if err := checkName(c.Name); err != nil {
		return err
	}
	if c.Arrivals.Process == nil {
		return errAt("arrivals", "missing: give one of %s, e.g. arrivals: {poisson: {rate: 0.5/h}}", strings.Join(arrivalProcesses.names(), ", "))
	}
	return nil
}

// hint is "; did you mean X?" for the known name nearest to got, or "".
func hint(got string, known []string) string {
	if h := suggest.DidYouMean(got, known, nil); h != "" {
		return "; " + h
	}
	return ""
}

package scenario

import (
	"slices"
	"strings"
)

// A Family is one kind of policy or behaviour that a scenario selects by
// name: its field, and every registered variant with its options.
type Family struct {
	Name     string // e.g. "throttle"
	Field    string // where the name goes, e.g. "service.throttle.kind"
	Variants []Variant
}

// A Variant is one registered reading of a family.
type Variant struct {
	Name    string
	Meaning string
	Options []Option
	Example string // a worked example, as YAML
}

// An Option is a field that refines a variant.
type Option struct {
	Name, Default, Meaning string
}

// Names returns the names of the family's variants, in registry order.
func (f Family) Names() []string {
	out := make([]string, len(f.Variants))
	for i, v := range f.Variants {
		out[i] = v.Name
	}
	return out
}

// Has reports whether name is a registered variant.
func (f Family) Has(name string) bool { return slices.Contains(f.Names(), name) }

func (f Family) check(field, got string) error {
	if f.Has(got) {
		return nil
	}
	return errAt(field, "unknown %s %q (known: %s)", f.Name, got, strings.Join(f.Names(), ", "))
}

var (
	throttleCommon = []Option{
		{"limit", "5", "starts allowed per window"},
		{"window", "12h", "the window"},
		{"counts", "successful", "what takes a slot: successful (runs that complete), accepted (every accepted start), attempts (every attempt, refused ones included)"},
		{"reserve", "true", "with counts: successful, a run in progress holds its slot (false: a run takes a slot when it completes)"},
		{"scheduled", "throttled", "scheduled runs: throttled (counted, and skipped while refused), counted (never refused), not-counted"},
		{"retry_after", "exact", "exact: refusals carry the exact Retry-After; none: they carry none (clients back off)"},
	}
	bucketOptions = append(slices.Clone(throttleCommon), Option{"burst", "limit", "the bucket's size: starts allowed at once"})

	// Throttles are the start throttles.
	Throttles = Family{Name: "throttle", Field: "service.throttle.kind", Variants: []Variant{
		{"sliding", "sliding log: at most limit starts in any window; a start stops counting exactly one window later", throttleCommon,
			"throttle: {kind: sliding, limit: 5, window: 12h}"},
		{"fixed", "fixed windows aligned to anchor (default: the schedule's anchor): at most limit starts per window; up to twice the limit across a boundary",
			append(slices.Clone(throttleCommon), Option{"anchor", "the schedule's anchor, else start", "a boundary of the windows"}),
			"throttle: {kind: fixed, limit: 5, window: 12h}"},
		{"token-bucket", "golang.org/x/time/rate: a bucket of burst tokens refilled at limit per window; spent tokens never come back", bucketOptions,
			"throttle: {kind: token-bucket, limit: 5, window: 12h, burst: 5}"},
		{"gcra", "generic cell rate algorithm: one start per window/limit, with burst starts of tolerance", bucketOptions,
			"throttle: {kind: gcra, limit: 5, window: 12h, burst: 5}"},
		{"none", "starts are never throttled", nil, "throttle: {kind: none}"},
	}}

	// SkipRules are the ways an on-demand start affects scheduled runs.
	SkipRules = Family{Name: "skip rule", Field: "service.skip.kind", Variants: []Variant{
		{"next-within", "the documented rule: the next scheduled run is skipped if it is due within lookahead (inclusive)", []Option{
			{"lookahead", "10h", "how far ahead"}, {"from", "request", "measured from the accepted request, or from the run's start (run-start)"}},
			"skip: {kind: next-within, lookahead: 10h}"},
		{"all-within", "every scheduled run due within lookahead is skipped", []Option{
			{"lookahead", "10h", "how far ahead"}, {"from", "request", "request or run-start"}},
			"skip: {kind: all-within, lookahead: 24h}"},
		{"re-anchor", "the schedule's grid restarts at the on-demand start: the next scheduled run is one period later (needs schedule kind every)", []Option{
			{"from", "request", "request or run-start"}},
			"skip: {kind: re-anchor}"},
		{"none", "on-demand starts never skip scheduled runs (Temporal, Airflow, Kubernetes CronJob)", nil, "skip: {kind: none}"},
	}}

	// OnDemandOverlaps say what happens to an on-demand start during a run.
	OnDemandOverlaps = Family{Name: "on-demand overlap", Field: "service.overlap.on_demand", Variants: []Variant{
		{"reject", "409 Conflict", nil, "overlap: {on_demand: reject}"},
		{"buffer-one", "202 Accepted, and the run waits until the service is idle; 409 if one already waits", nil, "overlap: {on_demand: buffer-one}"},
		{"buffer-all", "202 Accepted, and every such run waits, in arrival order", nil, "overlap: {on_demand: buffer-all}"},
		{"concurrent", "the run starts alongside the ones in progress", nil, "overlap: {on_demand: concurrent}"},
	}}

	// ScheduledOverlaps say what happens to a scheduled run due during a run.
	ScheduledOverlaps = Family{Name: "scheduled overlap", Field: "service.overlap.scheduled", Variants: []Variant{
		{"skip", "skipped, reason run-in-progress", nil, "overlap: {scheduled: skip}"},
		{"buffer-one", "waits until idle, in line with buffered on-demand starts; skipped if one already waits", nil, "overlap: {scheduled: buffer-one}"},
		{"buffer-all", "every such run waits, in line", nil, "overlap: {scheduled: buffer-all}"},
		{"concurrent", "starts alongside the ones in progress", nil, "overlap: {scheduled: concurrent}"},
		{"delay-until-idle", "waits, and starts first when the service is idle, ahead of buffered on-demand starts; skipped if one already waits", nil, "overlap: {scheduled: delay-until-idle}"},
	}}

	// Schedules are when the service runs by itself.
	Schedules = Family{Name: "schedule", Field: "service.schedule.kind", Variants: []Variant{
		{"every", "every period from an anchor", []Option{{"every", "12h", "the period"}, {"anchor", "start", "an instant of the grid"},
			{"jitter", "0s", "each run delayed by a deterministic draw (a hash of seed and nominal time) in [0, jitter), never past the next run"}},
			"schedule: {kind: every, every: 12h, anchor: 2025-01-06T02:00:00Z, jitter: 5m}"},
		{"cron", "a five-field cron expression in a time zone (github.com/robfig/cron/v3)", []Option{{"cron", "", "the expression"},
			{"timezone", "UTC", "an IANA time zone"}, {"jitter", "0s", "as for every"}},
			`schedule: {kind: cron, cron: "0 2,14 * * *", timezone: Europe/Paris}`},
		{"list", "explicit instants", []Option{{"times", "", "moments: RFC 3339 times or offsets from start"}, {"jitter", "0s", "as for every"}},
			"schedule: {kind: list, times: [2h, 14h, 2025-01-07T02:00:00Z]}"},
		{"none", "no scheduled runs", nil, "schedule: {kind: none}"},
	}}

	// ArrivalProcesses are how a client's requests come.
	ArrivalProcesses = Family{Name: "arrival process", Field: "clients[].arrivals", Variants: []Variant{
		{"at", "explicit moments, increasing", nil, "arrivals: {at: [5h, 2025-01-06T09:30:00Z]}"},
		{"periodic", "every period from first, each delayed by a uniform draw in [0, jitter)", []Option{
			{"every", "", "the period"}, {"jitter", "0s", "the largest delay"}, {"first", "start", "the first request"}},
			"arrivals: {periodic: {every: 1h, jitter: 2m, first: 15m}}"},
		{"poisson", "exponential gaps at a rate", []Option{{"rate", "", "e.g. 0.5/h, 3/d"}},
			"arrivals: {poisson: {rate: 2/h}}"},
		{"profile", "a Poisson rate by hour of day and weekday in a time zone (thinning); zero outside the rows", []Option{
			{"timezone", "UTC", "an IANA time zone"}, {"rates", "", "rows of {days: mon-fri, hours: 9-17, rate: 4/h}; hours are [from, to)"}},
			"arrivals: {profile: {timezone: America/New_York, rates: [{days: mon-fri, hours: 9-17, rate: 4/h}]}}"},
		{"burst", "size requests spacing apart, every period from first", []Option{
			{"size", "", "requests per burst"}, {"spacing", "1s", "between requests"}, {"every", "0s", "between bursts; 0: one burst"}, {"first", "start", "the first burst"}},
			"arrivals: {burst: {size: 10, spacing: 6s, first: 9h, every: 1d}}"},
		{"replay", "the times of a CSV request log: a header with a time column (RFC 3339) and an optional client column (rows of other clients are left out)", []Option{
			{"file", "", "the CSV, relative to the scenario file"}},
			"arrivals: {replay: {file: requests.csv}}"},
	}}

	// ClientBehaviours are what a client does after a refusal.
	ClientBehaviours = Family{Name: "retry", Field: "clients[].on_throttle.retry, clients[].on_conflict.retry", Variants: []Variant{
		{"give-up", "abandon the request", nil, "on_throttle: {retry: give-up}"},
		{"after-retry-after", "retry exactly Retry-After later (fractions of a second honoured); without one, back off", []Option{
			{"max_attempts", "3", "attempts in all, the first included"}, {"delay", "15m", "backoff base without a Retry-After"}, {"cap", "1h", "backoff cap"}},
			"on_throttle: {retry: after-retry-after, max_attempts: 3}"},
		{"after-delay", "retry delay later", []Option{{"delay", "15m", "the wait"}, {"max_attempts", "3", "attempts in all"}},
			"on_conflict: {retry: after-delay, delay: 30m}"},
		{"backoff", "exponential backoff with full jitter: a uniform wait in [0, min(cap, delay·2^(n-1)))", []Option{
			{"delay", "15m", "the base"}, {"cap", "1h", "the longest wait"}, {"max_attempts", "3", "attempts in all"}},
			"on_conflict: {retry: backoff, delay: 1m, cap: 1h, max_attempts: 6}"},
		{"kiota", "the default client of kiota-http-go (the Graph Go SDK): on 429, Retry-After in whole seconds, at most 3 retries, none at or past 100 s from the first attempt (its client timeout); never retries 409", nil,
			"on_throttle: {retry: kiota}"},
	}}

	// Distributions are how long runs last.
	Distributions = Family{Name: "distribution", Field: "service.run.duration.dist", Variants: []Variant{
		{"constant", "always value", []Option{{"value", "", "the duration"}}, "duration: {dist: constant, value: 110m}"},
		{"exponential", "exponential with a mean", []Option{{"mean", "", "the mean"}}, "duration: {dist: exponential, mean: 90m}"},
		{"lognormal", "lognormal by median and the sigma of its logarithm", []Option{{"median", "110m", ""}, {"sigma", "0.3", "in (0, 5]"}},
			"duration: {dist: lognormal, median: 110m, sigma: 0.3}"},
		{"gamma", "gamma by shape and mean", []Option{{"shape", "", "> 0"}, {"mean", "", "the mean"}}, "duration: {dist: gamma, shape: 4, mean: 110m}"},
		{"empirical", "drawn uniformly from observed durations, one per line in a file", []Option{{"samples", "", "the file, relative to the scenario file"}},
			"duration: {dist: empirical, samples: durations.txt}"},
	}}
)

// Families lists every registry, in the order runsim policies prints them.
var Families = []Family{Throttles, SkipRules, OnDemandOverlaps, ScheduledOverlaps, Schedules, ArrivalProcesses, ClientBehaviours, Distributions}

package scenario

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/policy"
)

func TestShippedScenariosLoadAndRun(t *testing.T) {
	for _, f := range shipped(t) {
		t.Run(f, func(t *testing.T) {
			s, err := Load(f)
			require.NoError(t, err)
			assert.NotEmpty(t, s.File.Description, "a shipped scenario says what it shows")
			assert.NotEmpty(t, trace(t, s))
			assert.NotEmpty(t, s.Assumptions())
		})
	}
}

// TestGoldenTrace pins the trace of documented.yaml; rewrite it with
// go test ./scenario -update after a deliberate change.
func TestGoldenTrace(t *testing.T) {
	s, err := Load("../scenarios/documented.yaml")
	require.NoError(t, err)
	got := trace(t, s)
	golden := filepath.Join("..", "scenarios", "testdata", "documented.trace")
	if *update {
		require.NoError(t, os.WriteFile(golden, got, 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./scenario -update to create it")
	assert.Equal(t, string(want), string(got), "the trace of documented.yaml changed; if deliberate, run go test ./scenario -update")
}

func TestDocumentedScenarioMeansTheDocumentedRules(t *testing.T) {
	s, err := Load("../scenarios/documented.yaml")
	require.NoError(t, err)
	d, err := Parse("defaults.yaml", []byte("start: 2025-01-06T00:00:00Z\nhorizon: 14d\nservice: {schedule: {anchor: 2025-01-06T02:00:00Z}}\nclients: [{name: admin, arrivals: {poisson: {rate: 3/d}}, on_throttle: {retry: after-retry-after}, on_conflict: {retry: after-delay, delay: 30m}}]\n"))
	require.NoError(t, err)
	assert.Equal(t, s.File.Service, d.File.Service, "documented.yaml spells out the defaults")
	cfg := config(t, s)
	assert.Equal(t, policy.Every{Period: 12 * time.Hour, Anchor: time.Date(2025, 1, 6, 2, 0, 0, 0, time.UTC)}, cfg.Schedule)
	assert.Equal(t, policy.NextWithin{Lookahead: 10 * time.Hour}, cfg.Skip)
	th, err := cfg.NewThrottle()
	require.NoError(t, err)
	assert.Equal(t, 5, th.Limiter.(*policy.SlidingLog).Limit)
	assert.Equal(t, policy.CountSuccessful, th.Counts)
	assert.True(t, th.Reserve)
	assert.True(t, th.RetryAfter)
	assert.Equal(t, policy.Overlap{}, cfg.Overlap)
}

func TestOverrides(t *testing.T) {
	s, err := Load("../scenarios/documented.yaml",
		"service.throttle.limit=6", "seed=42", "clients.admin.arrivals={poisson: {rate: 2/h}}", "clients.0.on_conflict.delay=45m",
		"service.skip={kind: none}")
	require.NoError(t, err)
	assert.Equal(t, 6, s.File.Service.Throttle.Limit)
	assert.Equal(t, uint64(42), s.File.Seed)
	assert.Equal(t, Rate(2), s.File.Clients[0].Arrivals.Process.(*Poisson).Rate)
	assert.Equal(t, Duration(45*time.Minute), s.File.Clients[0].OnConflict.Delay)
	assert.Nil(t, config(t, s).Skip)

	s, err = Load("../scenarios/burst.yaml", "service.throttle.window=6h") // creates the missing throttle mapping
	require.NoError(t, err)
	assert.Equal(t, Duration(6*time.Hour), s.File.Service.Throttle.Window)
	assert.Equal(t, 5, s.File.Service.Throttle.Limit, "the other throttle fields keep their defaults")
}

func TestBadOverrides(t *testing.T) {
	tests := []struct{ set, want string }{
		{"service.throttle.limit=0", "../scenarios/documented.yaml: --set service.throttle.limit=0: service.throttle.limit: must be at least 1, got 0"},
		{"service.throttle.limt=6", `../scenarios/documented.yaml: --set service.throttle.limt=6: unknown field "limt" in service.throttle; did you mean "limit"? (known: kind, limit, window, burst, anchor, counts, reserve, scheduled, retry_after, refusal)`},
		{"service.throttle.limit=six", `../scenarios/documented.yaml: --set service.throttle.limit=six: service.throttle.limit: expected an integer, got "six"`},
		{"clients.bob.name=x", `../scenarios/documented.yaml: --set clients.bob.name=x: clients: no item "bob" in the list (give an index from 0 to 0, or a name)`},
		{"seed.x=1", `../scenarios/documented.yaml: --set seed.x=1: seed is a single value, it has no field "x"`},
		{"warmup=14d", "../scenarios/documented.yaml: --set warmup=14d: warmup: must be shorter than the horizon (14d), got 14d"},
		{"nothing", "../scenarios/documented.yaml: --set nothing: want path=value, e.g. service.throttle.limit=6"},
	}
	for _, tc := range tests {
		t.Run(tc.set, func(t *testing.T) {
			_, err := Load("../scenarios/documented.yaml", tc.set)
			assert.EqualError(t, err, tc.want)
		})
	}
}

// TestBadScenarios holds one case per class of bad input. Each names the
// text the error must point at; the test finds that text's line and column
// in the YAML itself, so positions are checked independently.
func TestBadScenarios(t *testing.T) {
	tests := []struct {
		class, yaml, at, msg string
	}{
		{"unknown key", "name: t\nstart: 2025-01-06T00:00:00Z\nhorizon: 2d\nsevrice: {}\n", "sevrice", `unknown field "sevrice" in the scenario; did you mean "service"? (known: name, description, start, horizon, warmup, seed, replications, service, clients, expect, variants)`},
		{"unknown nested key", replace(good, "window: 12h", "windw: 12h"), "windw", `unknown field "windw" in service.throttle; did you mean "window"? (known: kind, limit, window, burst, anchor, counts, reserve, scheduled, retry_after, refusal)`},
		{"bad duration", replace(good, "window: 12h", "window: 12 hours"), "12 hours", `service.throttle.window: bad duration "12 hours": want a number and a unit (ms, s, m, h, d, w, y), e.g. 90m, 12h, 14d or 1h30m`},
		{"duration without unit", replace(good, "horizon: 2d", "horizon: 14"), "14", `horizon: bad duration "14": want a number and a unit (ms, s, m, h, d, w, y), e.g. 90m, 12h, 14d or 1h30m`},
		{"negative duration", replace(good, "median: 110m", "median: -110m"), "-110m", `service.run.duration.median: bad duration "-110m": must not be negative`},
		{"bad rate", replace(good, "rate: 0.5/h", "rate: often"), "often", `clients.0.arrivals.poisson.rate: bad rate "often": want NUMBER/UNIT, e.g. 0.5/h, 3/d or 2/30m`},
		{"negative rate", replace(good, "rate: 0.5/h", "rate: -0.5/h"), "-0.5/h", `clients.0.arrivals.poisson.rate: rate "-0.5/h" must be positive`},
		{"zero limit", replace(good, "limit: 5", "limit: 0"), "0,", `service.throttle.limit: must be at least 1, got 0`},
		{"zero window", replace(good, "window: 12h", "window: 0s"), "0s", `service.throttle.window: must be at least 1s, got 0s`},
		{"probabilities that do not sum to 1", replace(good, "failed: 0.05", "failed: 0.1"), "{completed", `service.run.outcomes: probabilities must sum to 1, they sum to 1.05`},
		{"probability out of range", replace(good, "completed: 0.95, failed: 0.05", "completed: 1.5, failed: -0.5"), "1.5", `service.run.outcomes.completed: probability must be between 0 and 1, got 1.5`},
		{"unknown run status", replace(good, "failed: 0.05", "crashed: 0.05"), "0.05", `service.run.outcomes.crashed: unknown run status "crashed" (known: completed, completedWithErrors, completedWithWarnings, failed)`},
		{"a rule the engine refuses, past the tables' checks", replace(good, "  throttle: {limit: 5, window: 12h}\n", "  throttle: {limit: 5, window: 12h}\n  skip: {kind: re-anchor}\n  schedule: {kind: cron, cron: \"0 2 * * *\"}\n"), "throttle: {", `the engine cannot be built: the re-anchor skip rule needs a schedule that can move (every)`},
		{"horizon over 200 years", replace(good, "horizon: 2d", "horizon: 201y"), "201y", `horizon: horizon "201y" is longer than the limit of 200y`},
		{"horizon of 1000 years, past what time.Duration holds", replace(good, "horizon: 2d", "horizon: 1000y"), "1000y", `horizon: horizon "1000y" is longer than the limit of 200y`},
		{"start at the zero time", replace(good, "start: 2025-01-06T00:00:00Z", "start: 0001-01-01T00:00:00Z"), "0001", `start: time "0001-01-01T00:00:00Z" is out of range: instants lie in the years 1900 to 9000`},
		{"start past 9000", replace(good, "start: 2025-01-06T00:00:00Z", "start: 9999-01-01T00:00:00Z"), "9999", `start: time "9999-01-01T00:00:00Z" is out of range: instants lie in the years 1900 to 9000`},
		{"a moment at the zero time", replace(good, "{poisson: {rate: 0.5/h}}", "{at: [0001-01-01T00:00:00Z]}"), "0001", `clients.0.arrivals.at.0: time "0001-01-01T00:00:00Z" is out of range: instants lie in the years 1900 to 9000`},
		{"limit of 10^18 (a makeslice panic)", replace(good, "limit: 5", "limit: 1000000000000000000"), "1000000000000000000", `service.throttle.limit: must be at most 1000000, got 1000000000000000000`},
		{"limit of 10^10 (out of memory)", replace(good, "limit: 5", "limit: 10000000000"), "10000000000", `service.throttle.limit: must be at most 1000000, got 10000000000`},
		{"burst past the bound", replace(good, "throttle: {", "throttle: {kind: token-bucket, burst: 2000000, "), "2000000", `service.throttle.burst: must be at most 1000000, got 2000000`},
		{"max attempts past the bound", replace(good, "{poisson: {rate: 0.5/h}}", "{poisson: {rate: 0.5/h}}\n    on_throttle: {retry: after-retry-after, max_attempts: 1000000000}"), "1000000000}", `clients.0.on_throttle.max_attempts: must be at most 1000, got 1000000000`},
		{"burst size past the bound", replace(good, "{poisson: {rate: 0.5/h}}", "{burst: {size: 1000000000000, spacing: 1s}}"), "1000000000000", `clients.0.arrivals.burst.size: must be at most 1000000, got 1000000000000`},
		{"burst size whose span overflows", replace(good, "{poisson: {rate: 0.5/h}}", "{burst: {size: 1000000, spacing: 100y, every: 1d}}"), "1d}", `clients.0.arrivals.burst.every: a burst (1000000 requests 36500d apart) must end before the next one starts`},
		{"gamma shape past the bound", replace(good, "{dist: lognormal, median: 110m, sigma: 0.3}", "{dist: gamma, mean: 1h, shape: 1e300}"), "1e300", `service.run.duration.shape: must be at most 1000000, got 1e+300`},
		{"a newline in a client name", replace(good, "name: admin", `name: "admin\nforged"`), `"admin`, `clients.0.name: "admin\nforged" holds the control or invisible character U+000A: names are printable text`},
		{"a line separator in a client name", replace(good, "name: admin", "name: \"admin\u2028x\""), `"admin`, `clients.0.name: "admin\u2028x" holds the control or invisible character U+2028: names are printable text`},
		{"a control character in the scenario's name", replace(good, "name: t\n", "name: \"a\\rb\"\n"), `"a`, `name: "a\rb" holds the control or invisible character U+000D: names are printable text`},
		{"zero horizon", replace(good, "horizon: 2d", "horizon: 0"), "0\n", `horizon: must be positive`},
		{"warm-up as long as the horizon", replace(good, "horizon: 2d", "horizon: 2d\nwarmup: 48h"), "48h", `warmup: must be shorter than the horizon (2d), got 2d`},
		{"negative warm-up", replace(good, "horizon: 2d", "horizon: 2d\nwarmup: -1h"), "-1h", `warmup: bad duration "-1h": must not be negative`},
		{"missing start", replace(good, "start: 2025-01-06T00:00:00Z\n", ""), "name", `start: missing: say when the simulation starts, e.g. start: 2025-01-06T00:00:00Z`},
		{"bad time", replace(good, "2025-01-06T00:00:00Z", "Jan 6"), "Jan 6", `start: bad time "Jan 6": want RFC 3339, e.g. 2025-01-06T02:00:00Z`},
		{"wrong kind of value", replace(good, "limit: 5", "limit: [5]"), "[5]", `service.throttle.limit: expected an integer, got a list`},
		{"unknown policy name", replace(good, "throttle: {", "throttle: {kind: leaky, "), "leaky", `service.throttle.kind: unknown throttle "leaky" (known: ` + known(throttles.names()) + `)`},
		{"two arrival processes", replace(good, "{poisson: {rate: 0.5/h}}", "{poisson: {rate: 0.5/h}, at: [1h]}"), "{poisson", `clients.0.arrivals: give exactly one of ` + known(arrivalProcesses.names())},
		{"field set twice", replace(good, "limit: 5,", "limit: 5, limit: 6,"), "limit: 6", `service.throttle.limit: set twice`},
		{"client named twice", good + "  - name: admin\n    arrivals: {at: [1h]}\n", "admin\n    arrivals: {at", `clients.1.name: client "admin" is named twice`},
		{"explicit times out of order", replace(good, "{poisson: {rate: 0.5/h}}", "{at: [2h, 1h]}"), "1h]", `clients.0.arrivals.at.1: times must be in increasing order: 2025-01-06T01:00:00Z comes after 2025-01-06T02:00:00Z`},
		{"timestamps in a flow list in a flow mapping", replace(good, "{poisson: {rate: 0.5/h}}", "{at: [1h, 2025-01-06T00:30:00Z]}"), "2025-01-06T00:30", `clients.0.arrivals.at.1: times must be in increasing order: 2025-01-06T00:30:00Z comes after 2025-01-06T01:00:00Z`},
		{"explicit time before the start", replace(good, "{poisson: {rate: 0.5/h}}", "{at: [2025-01-05T00:00:00Z]}"), "2025-01-05", `clients.0.arrivals.at.0: 2025-01-05T00:00:00Z is before the start (2025-01-06T00:00:00Z)`},
		{"zero max attempts", replace(good, "{poisson: {rate: 0.5/h}}", "{poisson: {rate: 0.5/h}}\n    on_throttle: {retry: after-retry-after, max_attempts: 0}"), "0}", `clients.0.on_throttle.max_attempts: must be at least 1 (the first attempt counts), got 0`},
	}
	for _, tc := range tests {
		t.Run(tc.class, func(t *testing.T) {
			line, col := positionOf(t, tc.yaml, tc.at)
			_, err := Parse("bad.yaml", []byte(tc.yaml))
			require.Error(t, err)
			assert.Equal(t, fmt.Sprintf("bad.yaml:%d:%d: %s", line, col, tc.msg), err.Error())
			var e *Error
			assert.ErrorAs(t, err, &e)
		})
	}
	_, err := Parse("good.yaml", []byte(good))
	require.NoError(t, err, "the base of the bad cases is good")
}

func TestBadYAML(t *testing.T) {
	_, err := Parse("bad.yaml", []byte("name: t\nclients: [unclosed\n"))
	assert.EqualError(t, err, "bad.yaml:3:1: did not find expected ',' or ']' (while parsing a flow sequence at 2:10)")
	_, err = Parse("empty.yaml", nil)
	assert.EqualError(t, err, "empty.yaml:1:1: the file is empty")
	_, err = Parse("list.yaml", []byte("- a\n"))
	assert.EqualError(t, err, "list.yaml:1:1: a scenario must be a mapping of fields (name, start, horizon, service, clients, ...)")
	_, err = Parse("two.yaml", []byte(good+"---\nname: u\n"))
	assert.EqualError(t, err, "two.yaml:12:1: one scenario per file: a second YAML document starts here")
}

func TestValues(t *testing.T) {
	for in, want := range map[string]int64{"12h": 12 * 3600e3, "14d": 14 * 86400e3, "90m": 90 * 60e3, "1h30m": 90 * 60e3, "1.5h": 90 * 60e3, "250ms": 250, "2w": 14 * 86400e3, "0": 0} {
		got, err := parseMillis(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "h", "12", "12x", "1h-5m", "-3h", "12 h", "1e400h"} {
		_, err := parseMillis(bad)
		assert.Error(t, err, bad)
	}
	s, err := Parse("r.yaml", []byte(replace(good, "rate: 0.5/h", "rate: 3/d")))
	require.NoError(t, err)
	assert.Equal(t, Rate(0.125), s.File.Clients[0].Arrivals.Process.(*Poisson).Rate)
	s, err = Parse("r.yaml", []byte(replace(good, "rate: 0.5/h", "rate: 2/30m")))
	require.NoError(t, err)
	assert.Equal(t, Rate(4), s.File.Clients[0].Arrivals.Process.(*Poisson).Rate)
}

func TestLongestHorizon(t *testing.T) {
	s, err := Parse("long.yaml", []byte(replace(good, "horizon: 2d", "horizon: 200y")))
	require.NoError(t, err)
	cfg := config(t, s)
	assert.Equal(t, cfg.Start.AddDate(0, 0, 73000), cfg.End, "200y is 73000 days")
	assert.Less(t, cfg.End.Sub(cfg.Start), time.Duration(math.MaxInt64), "the horizon holds in a time.Duration")
}

func TestBuildInGo(t *testing.T) {
	f := builtFile()
	c := &Client{Name: "admin", Arrivals: Arrivals{Process: &At{{Offset: 5 * time.Hour}}}}
	c.setDefaults()
	f.Clients = []*Client{c}
	f.Expect = []*Expectation{{Name: "one accepted", What: &ExpectCount{Event: "accepted", Eq: ptr(Bound(1))}}}
	s, err := Build(f)
	require.NoError(t, err)
	assert.Equal(t, "built", s.File.Name)
	assert.Len(t, config(t, s).Clients, 1)

	f.Expect = []*Expectation{{Name: "bad", What: &ExpectCount{Event: "approved", Eq: ptr(Bound(1))}}}
	_, err = Build(f)
	assert.EqualError(t, err, `(built in Go): expect.0.count: unknown event kind "approved" (known: request-arrived, accepted, throttled, conflict, run-started, run-finished, scheduled-due, scheduled-skipped, operation-changed, retry-scheduled, gave-up)`)
	f.Expect = nil
	f.Service.Throttle.Limit = 0
	_, err = Build(f)
	assert.EqualError(t, err, "(built in Go): service.throttle.limit: must be at least 1, got 0")
}

// TestBuildRefusesWhatRunCannotStart: a File built in Go meets the same
// checks as a file, the engine's build included.
func TestBuildRefusesWhatRunCannotStart(t *testing.T) {
	tests := []struct {
		name   string
		change func(f *File)
		want   string
	}{
		{name: "a start at the zero time", change: func(f *File) { f.Start = &Instant{} },
			want: "(built in Go): start: 0001-01-01T00:00:00Z is out of range: instants lie in the years 1900 to 9000"},
		{name: "a limit of 10^18", change: func(f *File) { f.Service.Throttle.Limit = 1_000_000_000_000_000_000 },
			want: "(built in Go): service.throttle.limit: must be at most 1000000, got 1000000000000000000"},
		{name: "a re-anchor the engine refuses", change: func(f *File) {
			f.Service.Skip.Kind = "re-anchor"
			f.Service.Schedule = Schedule{Kind: "cron", Cron: "0 2 * * *", Timezone: "UTC"}
		}, want: "(built in Go): the engine cannot be built: the re-anchor skip rule needs a schedule that can move (every)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := builtFile()
			tc.change(&f)
			_, err := Build(f)
			assert.EqualError(t, err, tc.want)
		})
	}
	_, err := Build(builtFile())
	assert.NoError(t, err)
}

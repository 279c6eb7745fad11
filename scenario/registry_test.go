package scenario

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/sim"
)

// inContext places a variant's example where its family goes in a file.
func inContext(f Family, example string) string {
	switch f.Name {
	case "arrival process":
		return variantBase + "clients:\n  - name: a\n    " + example + "\n"
	case "retry":
		return variantBase + "clients:\n  - name: a\n    arrivals: {poisson: {rate: 2/h}}\n    " + example + "\n"
	case "distribution":
		return variantBase + "service:\n  run:\n    " + example + "\n"
	}
	return variantBase + "service:\n  " + example + "\n"
}

// built is what the engine got of a family: the type of what was built,
// or for a family of values (overlaps, retries) the value's name.
func built(t *testing.T, f Family, cfg sim.Config) string {
	switch f.Name {
	case "throttle":
		if cfg.NewThrottle == nil {
			return "no throttle"
		}
		th, err := cfg.NewThrottle()
		require.NoError(t, err)
		return fmt.Sprintf("%T", th.Limiter)
	case "skip rule":
		return fmt.Sprintf("%T", cfg.Skip)
	case "on-demand overlap":
		return cfg.Overlap.OnDemand.String()
	case "scheduled overlap":
		return cfg.Overlap.Scheduled.String()
	case "schedule":
		return fmt.Sprintf("%T", cfg.Schedule)
	case "arrival process":
		return fmt.Sprintf("%T", cfg.Clients[0].Arrivals)
	case "retry":
		c := cfg.Clients[0]
		if c.OnThrottle.Kind != sim.GiveUp {
			return c.OnThrottle.Kind.String()
		}
		return c.OnConflict.Kind.String()
	case "distribution":
		return fmt.Sprintf("%T", cfg.Runs.(sim.Drawn).Duration)
	}
	t.Fatalf("no test knows family %q", f.Name)
	return ""
}

// TestEveryVariantBuildsWhatItsNameSays builds each variant of each family
// from its own example and checks that the engine gets what the name says,
// and runs it. A variant added to a table without a row here fails, and so
// does one whose builder is missing or builds something else.
func TestEveryVariantBuildsWhatItsNameSays(t *testing.T) {
	want := map[string]string{
		"throttle/sliding":                   "*policy.SlidingLog",
		"throttle/fixed":                     "*policy.FixedWindow",
		"throttle/token-bucket":              "*policy.TokenBucket",
		"throttle/gcra":                      "*policy.GCRA",
		"throttle/none":                      "no throttle",
		"skip rule/next-within":              "policy.NextWithin",
		"skip rule/all-within":               "policy.AllWithin",
		"skip rule/re-anchor":                "policy.Reanchor",
		"skip rule/none":                     "<nil>",
		"on-demand overlap/reject":           "refuse",
		"on-demand overlap/buffer-one":       "buffer-one",
		"on-demand overlap/buffer-all":       "buffer-all",
		"on-demand overlap/concurrent":       "concurrent",
		"scheduled overlap/skip":             "refuse",
		"scheduled overlap/buffer-one":       "buffer-one",
		"scheduled overlap/buffer-all":       "buffer-all",
		"scheduled overlap/concurrent":       "concurrent",
		"scheduled overlap/delay-until-idle": "delay-until-idle",
		"schedule/every":                     "policy.Every",
		"schedule/cron":                      "*policy.Cron",
		"schedule/list":                      "policy.List",
		"schedule/none":                      "<nil>",
		"arrival process/at":                 "sim.At",
		"arrival process/periodic":           "sim.Periodic",
		"arrival process/poisson":            "sim.Poisson",
		"arrival process/profile":            "*sim.Profile",
		"arrival process/burst":              "sim.Bursts",
		"arrival process/replay":             "sim.At",
		"retry/give-up":                      "give-up",
		"retry/after-retry-after":            "after-retry-after",
		"retry/after-delay":                  "after-delay",
		"retry/backoff":                      "backoff",
		"retry/kiota":                        "after-retry-after",
		"distribution/constant":              "sim.Constant",
		"distribution/exponential":           "sim.Exponential",
		"distribution/lognormal":             "sim.LogNormal",
		"distribution/gamma":                 "sim.Gamma",
		"distribution/empirical":             "sim.Empirical",
	}
	seen := 0
	for _, f := range Families() {
		for _, v := range f.Variants {
			key := f.Name + "/" + v.Name
			t.Run(key, func(t *testing.T) {
				require.Contains(t, want, key, "a new variant needs its row in this test")
				require.NotEmpty(t, v.Doc)
				text := inContext(f, v.Example)
				s, err := Parse("testdata/v.yaml", []byte(text))
				require.NoError(t, err, text)
				cfg := config(t, s)
				assert.Equal(t, want[key], built(t, f, cfg))
				_, err = sim.Run(cfg)
				require.NoError(t, err)
				assert.NotEmpty(t, s.Assumptions())
			})
			seen++
		}
	}
	assert.Len(t, want, seen, "every row of this test names a registered variant")
}

// TestUnknownVariantIsAnError (repro 8): settings that name a variant no
// table has are refused by the builder with the known names, for every
// family; nothing falls back to a default (an unknown throttle used to run
// unthrottled, an unknown distribution as lognormal, unknown arrivals as
// none).
func TestUnknownVariantIsAnError(t *testing.T) {
	tests := []struct {
		name   string
		spoil  func(f *File)
		reason string
	}{
		{"throttle", func(f *File) { f.Service.Throttle.Kind = "leaky" }, `unknown throttle "leaky" (known: ` + known(throttles.names()) + `)`},
		{"throttle counts", func(f *File) { f.Service.Throttle.Counts = "everything" }, `unknown counts "everything" (known: successful, accepted, attempts)`},
		{"skip rule", func(f *File) { f.Service.Skip.Kind = "skip-all" }, `unknown skip rule "skip-all" (known: ` + known(skipRules.names()) + `)`},
		{"skip from", func(f *File) { f.Service.Skip.From = "later" }, `unknown from "later" (known: request, run-start)`},
		{"on-demand overlap", func(f *File) { f.Service.Overlap.OnDemand = "queue" }, `unknown on-demand overlap "queue" (known: ` + known(onDemandOverlaps.names()) + `)`},
		{"scheduled overlap", func(f *File) { f.Service.Overlap.Scheduled = "queue" }, `unknown scheduled overlap "queue" (known: ` + known(scheduledOverlaps.names()) + `)`},
		{"schedule", func(f *File) { f.Service.Schedule.Kind = "hourly" }, `unknown schedule "hourly" (known: ` + known(schedules.names()) + `)`},
		{"distribution", func(f *File) { f.Service.Run.Duration.Dist = "weibull" }, `unknown distribution "weibull" (known: ` + known(distributions.names()) + `)`},
		{"arrival process", func(f *File) { f.Clients[0].Arrivals = Arrivals{Process: &Dist{}} },
			`client admin: unknown arrival process *scenario.Dist (known: ` + known(arrivalProcesses.names()) + `)`},
		{"no arrival process", func(f *File) { f.Clients[0].Arrivals = Arrivals{} },
			`client admin: unknown arrival process <nil> (known: ` + known(arrivalProcesses.names()) + `)`},
		{"retry", func(f *File) { f.Clients[0].OnThrottle.Retry = "retry-forever" }, `unknown retry "retry-forever" (known: ` + known(retries.names()) + `)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("good.yaml", []byte(good))
			require.NoError(t, err)
			tc.spoil(&s.File)
			_, err = s.Config()
			assert.EqualError(t, err, "scenarios: good.yaml: "+tc.reason)
		})
	}
}

// known lists names as the errors do; the tests read the tables, so that
// a new variant does not change them.
// TestDocumentedDefaultsAreTheRealOnes (repro 7): the defaults the tables
// document are what a file that leaves the option out gets, and each
// family's default variant is the one Default names (runsim policies used
// to mark the first row, constant, as the default distribution).
func TestDocumentedDefaultsAreTheRealOnes(t *testing.T) {
	families := map[string]Family{}
	for _, f := range Families() {
		families[f.Name] = f
	}
	d := Default()
	for family, name := range map[string]string{
		"throttle": d.Service.Throttle.Kind, "skip rule": d.Service.Skip.Kind, "on-demand overlap": d.Service.Overlap.OnDemand,
		"scheduled overlap": d.Service.Overlap.Scheduled, "schedule": d.Service.Schedule.Kind, "distribution": d.Service.Run.Duration.Dist,
		"retry": defaultRetry.Retry, "arrival process": "",
	} {
		assert.Equal(t, name, families[family].Default, family)
	}
	assert.Equal(t, "lognormal", families["distribution"].Default)

	option := func(family, variant, name string) string {
		for _, v := range families[family].Variants {
			for _, o := range v.Options {
				if v.Name == variant && o.Name == name {
					return o.Default
				}
			}
		}
		t.Fatalf("no option %s of %s %s", name, family, variant)
		return ""
	}
	tests := []struct {
		family, variant, option, yaml, want string
		got                                 func(f *File) string
	}{
		{"distribution", "lognormal", "median", "service: {run: {duration: {dist: lognormal}}}", "1h50m",
			func(f *File) string { return f.Service.Run.Duration.Median.String() }},
		{"distribution", "lognormal", "sigma", "service: {run: {duration: {dist: lognormal}}}", "0.3",
			func(f *File) string { return fmt.Sprint(f.Service.Run.Duration.Sigma) }},
		{"distribution", "constant", "value", "", "required", nil},
		{"throttle", "token-bucket", "limit", "service: {throttle: {kind: token-bucket}}", "5",
			func(f *File) string { return fmt.Sprint(f.Service.Throttle.Limit) }},
		{"throttle", "sliding", "window", "service: {throttle: {kind: sliding}}", "12h",
			func(f *File) string { return f.Service.Throttle.Window.String() }},
		{"skip rule", "all-within", "lookahead", "service: {skip: {kind: all-within}}", "10h",
			func(f *File) string { return f.Service.Skip.Lookahead.String() }},
		{"schedule", "cron", "timezone", `service: {schedule: {kind: cron, cron: "0 2 * * *"}}`, "UTC",
			func(f *File) string { return f.Service.Schedule.Timezone }},
		{"retry", "backoff", "cap", "clients: [{name: a, arrivals: {at: [1h]}, on_conflict: {retry: backoff}}]", "1h",
			func(f *File) string { return f.Clients[0].OnConflict.Cap.String() }},
		{"arrival process", "burst", "spacing", "clients: [{name: a, arrivals: {burst: {size: 2}}}]", "1s",
			func(f *File) string { return f.Clients[0].Arrivals.Process.(*Burst).Spacing.String() }},
		{"arrival process", "profile", "timezone", "clients: [{name: a, arrivals: {profile: {rates: [{days: mon, hours: 9-17, rate: 1/h}]}}}]", "UTC",
			func(f *File) string { return f.Clients[0].Arrivals.Process.(*Profile).Timezone }},
	}
	for _, tc := range tests {
		t.Run(tc.family+"/"+tc.variant+"/"+tc.option, func(t *testing.T) {
			assert.Equal(t, tc.want, option(tc.family, tc.variant, tc.option))
			if tc.got == nil {
				return
			}
			s, err := Parse("d.yaml", []byte(variantBase+tc.yaml+"\n"))
			require.NoError(t, err)
			assert.Equal(t, tc.want, tc.got(&s.File), "what a file that leaves %s out gets", tc.option)
		})
	}
}

// TestArrivalProcessesHaveTypesOfTheirOwn: the options type of an arrival
// process names it, so no two processes may share one.
func TestArrivalProcessesHaveTypesOfTheirOwn(t *testing.T) {
	seen := map[string]string{}
	for _, p := range arrivalProcesses {
		typ := fmt.Sprintf("%T", p.newSpec())
		assert.NotContains(t, seen, typ, "%s and %s share %s", seen[typ], p.name(), typ)
		seen[typ] = p.name()
		got, ok := arrivalProcesses.of(p.newSpec())
		require.True(t, ok)
		assert.Equal(t, p.name(), got.name())
	}
}

// TestArrivalsDecoding: the one key of clients[].arrivals names the
// process; everything about it is refused at its line and column.
func TestArrivalsDecoding(t *testing.T) {
	tests := []struct{ class, arrivals, at, msg string }{
		{"unknown process", "{poison: {rate: 1/h}}", "poison", `clients.0.arrivals: unknown arrival process "poison" (known: ` + known(arrivalProcesses.names()) + `)`},
		{"no process", "{}", "{}", `clients.0.arrivals: give exactly one of ` + known(arrivalProcesses.names())},
		{"not a mapping", "poisson", "poisson", `clients.0.arrivals: expected a mapping, got "poisson"`},
		{"bad options", "{poisson: {rate: 0.5/h, burst: 3}}", "burst", `unknown field "burst" in clients.0.arrivals.poisson (known: rate)`},
		{"options checked", "{periodic: {every: 1h, jitter: 2h}}", "2h", `clients.0.arrivals.periodic.jitter: must be shorter than every (1h), got 2h`},
		{"process set twice", "{at: [1h], at: [2h]}", "at: [2h]", `clients.0.arrivals.at: set twice`},
	}
	for _, tc := range tests {
		t.Run(tc.class, func(t *testing.T) {
			text := variantBase + "clients:\n  - name: a\n    arrivals: " + tc.arrivals + "\n"
			line, col := positionOf(t, text, tc.at)
			_, err := Parse("a.yaml", []byte(text))
			assert.EqualError(t, err, fmt.Sprintf("a.yaml:%d:%d: %s", line, col, tc.msg))
		})
	}
	t.Run("no arrivals", func(t *testing.T) {
		text := variantBase + "clients:\n  - name: a\n"
		line, col := positionOf(t, text, "name: a")
		_, err := Parse("a.yaml", []byte(text))
		assert.EqualError(t, err, fmt.Sprintf("a.yaml:%d:%d: clients.0.arrivals: missing: give one of %s, e.g. arrivals: {poisson: {rate: 0.5/h}}",
			line, col, known(arrivalProcesses.names())))
	})
	t.Run("override", func(t *testing.T) {
		s, err := Parse("a.yaml", []byte(good), "clients.admin.arrivals={burst: {size: 3}}", "clients.admin.arrivals.burst.spacing=2s")
		require.NoError(t, err)
		assert.Equal(t, &Burst{Size: 3, Spacing: Duration(2 * time.Second)}, s.File.Clients[0].Arrivals.Process)
		assert.Equal(t, "burst", s.File.Clients[0].Arrivals.Name())
	})
}

// TestArrivalsBuiltInGo: Build checks the process a Go caller puts in
// Arrivals as the decoder would.
func TestArrivalsBuiltInGo(t *testing.T) {
	file := func(a Arrivals) File {
		f := builtFile()
		c := &Client{Name: "a", Arrivals: a}
		c.setDefaults()
		f.Clients = []*Client{c}
		return f
	}
	tests := []struct {
		name     string
		arrivals Arrivals
		err      string
	}{
		{"poisson", Arrivals{Process: &Poisson{Rate: 2}}, ""},
		{"bad poisson", Arrivals{Process: &Poisson{}}, "(built in Go): clients.0.arrivals.poisson.rate: missing: e.g. rate: 0.5/h"},
		{"not a process", Arrivals{Process: &Dist{}}, "(built in Go): clients.0.arrivals: give exactly one of " + known(arrivalProcesses.names())},
		{"none", Arrivals{}, "(built in Go): clients.0.arrivals: give exactly one of " + known(arrivalProcesses.names())},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Build(file(tc.arrivals))
			if tc.err != "" {
				assert.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, sim.Poisson{Rate: 2}, config(t, s).Clients[0].Arrivals)
		})
	}
}

// TestMisspeltNamesGetAHint: a misspelt variant, option value or field is
// refused at its position with the nearest known name.
func TestMisspeltNamesGetAHint(t *testing.T) {
	tests := []struct{ yaml, want string }{
		{"service: {throttle: {kind: slidng}}", `t.yaml:4:28: service.throttle.kind: unknown throttle "slidng"; did you mean "sliding"?`},
		{"service: {throttle: {counts: acepted}}", `t.yaml:4:30: service.throttle.counts: unknown counts "acepted"; did you mean "accepted"?`},
		{"service: {skip: {kind: next-witin}}", `t.yaml:4:24: service.skip.kind: unknown skip rule "next-witin"; did you mean "next-within"?`},
		{"service: {thrtle: {}}", `t.yaml:4:11: unknown field "thrtle" in service; did you mean "throttle"?`},
	}
	for _, tc := range tests {
		t.Run(tc.yaml, func(t *testing.T) {
			_, err := Parse("t.yaml", []byte("name: t\nstart: 2025-01-06T00:00:00Z\nhorizon: 1d\n"+tc.yaml+"\n"))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestReplay(t *testing.T) {
	s, err := Parse("testdata/replay/s.yaml", []byte(fmt.Sprintf(replayScenario, "good.csv")))
	require.NoError(t, err)
	cfg := config(t, s)
	at := func(h, m, sec, ms int) time.Time { return time.Date(2025, 1, 6, h, m, sec, ms*1e6, time.UTC) }
	assert.Equal(t, sim.At{at(7, 0, 0, 0), at(9, 15, 0, 0), at(11, 30, 0, 500)}, cfg.Clients[0].Arrivals,
		"sorted, this client's rows only, to the millisecond")
}

// TestReplayRefusesMalformedRows: a bad row refuses the whole scenario,
// naming the row, so nothing partial is simulated.
func TestReplayRefusesMalformedRows(t *testing.T) {
	tests := []struct{ file, want string }{
		{"bad-time.csv", `bad-time.csv:4: bad time "yesterday": want RFC 3339, e.g. 2025-01-06T09:15:00Z`},
		{"bad-quote.csv", `bad-quote.csv:3: extraneous or missing " in quoted-field`},
		{"no-time.csv", `no-time.csv:1: no time column in the header (want a column named time or timestamp, and optionally client)`},
		{"missing.csv", `missing.csv: no such file in testdata/replay`},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			text := fmt.Sprintf(replayScenario, tc.file)
			s, err := Parse("testdata/replay/s.yaml", []byte(text))
			assert.Nil(t, s)
			line, col := positionOf(t, text, tc.file)
			assert.EqualError(t, err, fmt.Sprintf("testdata/replay/s.yaml:%d:%d: clients.0.arrivals.replay.file: %s", line, col, tc.want))
		})
	}
}

func TestArrivalAndScheduleVariantsBuild(t *testing.T) {
	base := "name: v\nstart: 2025-01-06T00:00:00Z\nhorizon: 7d\n"
	tests := []struct{ name, yaml, want string }{
		{"profile", "clients: [{name: a, arrivals: {profile: {timezone: Europe/Paris, rates: [{days: mon-fri, hours: 9-17, rate: 4/h}, {days: sat, hours: 10-12, rate: 1/h}]}}}]",
			"rate profile by hour and weekday in Europe/Paris, at most 4 per hour"},
		{"burst", "clients: [{name: a, arrivals: {burst: {size: 10, spacing: 6s, first: 9h, every: 1d}}}]",
			"bursts of 10 requests 6s apart from 2025-01-06T09:00:00Z, every 1d"},
		{"cron", `service: {schedule: {kind: cron, cron: "0 2,14 * * *", timezone: Europe/Paris}}`, `cron "0 2,14 * * *" in Europe/Paris`},
		{"list", "service: {schedule: {kind: list, times: [2h, 1d]}}", "a list of 2 instants"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Parse("v.yaml", []byte(base+tc.yaml+"\n"))
			require.NoError(t, err)
			cfg := config(t, s)
			got := ""
			if len(cfg.Clients) > 0 {
				got = cfg.Clients[0].Arrivals.String()
			} else {
				got = cfg.Schedule.String()
			}
			assert.Equal(t, tc.want, got)
			_, err = sim.Run(cfg)
			require.NoError(t, err)
		})
	}
}

func TestBadVariantOptions(t *testing.T) {
	base := "name: v\nstart: 2025-01-06T00:00:00Z\nhorizon: 7d\n"
	tests := []struct{ yaml, at, msg string }{
		{"service: {schedule: {kind: cron, cron: \"0 25 * * *\"}}", `"0 25`, `service.schedule.cron: cron "0 25 * * *": end of range (25) above maximum (23): 25`},
		{"service: {schedule: {kind: cron, cron: \"0 2 * * *\", timezone: Mars/Olympus}}", "Mars", `service.schedule.timezone: unknown time zone "Mars/Olympus"`},
		{"service: {skip: {kind: re-anchor, from: later}}", "later", `service.skip.from: unknown from "later" (known: request, run-start)`},
		{"service: {overlap: {on_demand: delay-until-idle}}", "delay-until-idle", `service.overlap.on_demand: unknown on-demand overlap "delay-until-idle" (known: reject, buffer-one, buffer-all, concurrent)`},
		{"service: {throttle: {counts: everything}}", "everything", `service.throttle.counts: unknown counts "everything" (known: successful, accepted, attempts)`},
		{"clients: [{name: a, arrivals: {profile: {rates: [{days: mon-fry, hours: 9-17, rate: 1/h}]}}}]", "mon-fry", `clients.0.arrivals.profile.rates.0.days: bad day "fry": want sun, mon, tue, wed, thu, fri or sat`},
		{"clients: [{name: a, arrivals: {profile: {rates: [{days: mon, hours: 17-9, rate: 1/h}]}}}]", "17-9", `clients.0.arrivals.profile.rates.0.hours: bad hours "17-9": want FROM-TO in whole hours, 0 <= FROM < TO <= 24, e.g. 9-17`},
		{"clients: [{name: a, arrivals: {burst: {size: 10, spacing: 1h, every: 2h}}}]", "2h}", `clients.0.arrivals.burst.every: a burst (10 requests 1h apart) must end before the next one starts`},
		{"clients: [{name: a, arrivals: {at: [1h]}, on_conflict: {retry: backoff, delay: 1h, cap: 1m}}]", "1m}", `clients.0.on_conflict.cap: must be at least delay (1h), got 1m`},
		{"service: {run: {duration: {dist: gamma, mean: 1h}}}", "{dist: gamma", `service.run.duration.shape: must be positive, got 0`},
	}
	for _, tc := range tests {
		t.Run(tc.msg, func(t *testing.T) {
			text := base + tc.yaml + "\n"
			line, col := positionOf(t, text, tc.at)
			_, err := Parse("v.yaml", []byte(text))
			assert.EqualError(t, err, fmt.Sprintf("v.yaml:%d:%d: %s", line, col, tc.msg))
		})
	}
}

func TestEmpiricalSamples(t *testing.T) {
	s, err := Parse("testdata/e.yaml", []byte("name: e\nstart: 2025-01-06T00:00:00Z\nhorizon: 1d\nservice: {run: {duration: {dist: empirical, samples: durations.txt}}}\n"))
	require.NoError(t, err)
	assert.Equal(t, sim.Empirical{110 * time.Minute, 95 * time.Minute, 2 * time.Hour, 125 * time.Minute}, config(t, s).Runs.(sim.Drawn).Duration)
}

// TestCommonRandomNumbers: variants that differ only in a policy see the
// same first attempts at the same instants, though their answers, retries
// and backoff draws differ.
func TestCommonRandomNumbers(t *testing.T) {
	firstAttempts := func(overrides ...string) (times []time.Time, answers []sim.Kind) {
		s, err := Load("../scenarios/documented.yaml", append([]string{"clients.admin.arrivals={poisson: {rate: 2/h}}",
			"clients.admin.on_conflict={retry: backoff, delay: 5m, cap: 1h, max_attempts: 4}"}, overrides...)...)
		require.NoError(t, err)
		_, err = sim.Run(config(t, s), sim.ObserverFunc(func(e *sim.Event) {
			switch e.Kind {
			case sim.RequestArrived:
				if e.Attempt == 1 {
					times = append(times, e.At)
				}
			case sim.Accepted, sim.Throttled, sim.Conflict:
				if e.Attempt == 1 {
					answers = append(answers, e.Kind)
				}
			}
		}))
		require.NoError(t, err)
		return times, answers
	}
	base, baseAnswers := firstAttempts()
	for _, variant := range [][]string{
		{"service.throttle.kind=token-bucket"},
		{"service.throttle.kind=none", "service.skip.kind=none"},
		{"service.overlap.on_demand=buffer-all"},
	} {
		got, answers := firstAttempts(variant...)
		require.Greater(t, len(base), 500)
		assert.Equal(t, base, got, "variant %v changed the arrival times", variant)
		assert.NotEqual(t, baseAnswers, answers, "variant %v changed nothing: the test proves little", variant)
	}
}

package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
)

// TestWriteErrorsExit2: every command whose output cannot be written exits 2
// and says so.
func TestWriteErrorsExit2(t *testing.T) {
	dir := t.TempDir()
	capacity := []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "1:3", "--target", "throttled<=100", "--replications", "2"}
	tests := []struct {
		name string
		args []string
	}{
		{"run text", []string{"run", documented}},
		{"run json", []string{"run", documented, "--format", "json"}},
		{"compare text", []string{"compare", documented, "--variant", "b=service.throttle.kind=token-bucket"}},
		{"compare json", []string{"compare", documented, "--variant", "b=service.throttle.kind=token-bucket", "--format", "json"}},
		{"sweep csv", []string{"sweep", documented, "--param", "service.throttle.limit=4,5", "--replications", "2"}},
		{"sweep json", []string{"sweep", documented, "--param", "service.throttle.limit=4,5", "--replications", "2", "--format", "json"}},
		{"capacity text", capacity},
		{"capacity json", append(capacity, "--format", "json")},
		{"validate", []string{"validate", documented}},
		{"run --trace -", []string{"run", documented, "--trace", "-"}},
		{"run --trace - as a JSON array", []string{"run", documented, "--trace", "-", "--trace-format", "json"}},
		{"version", []string{"version"}},
		{"policies", []string{"policies"}},
		{"the overview", []string{"--help"}},
		{"help", []string{"help"}},
		{"help run", []string{"help", "run"}},
		{"run --help", []string{"run", "--help"}},
		{"probe --help", []string{"probe", "--help"}},
		{"sweep into a missing folder", []string{"sweep", documented, "--param", "service.throttle.limit=4", "--out", filepath.Join(dir, "no", "x.csv")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errOut strings.Builder
			code := cli(tc.args, failing{}, &errOut)
			assert.Equal(t, exitBadInput, code)
			assert.Regexp(t, `no space left on device|does not exist`, errOut.String())
		})
	}
}

// TestScenarioByName: commands take a scenario of the library by name as
// they take a file; a file of that name, when there is one, wins.
func TestScenarioByName(t *testing.T) {
	for _, cmd := range [][]string{
		{"run", "--format", "json"},
		{"compare", "--variant", "b=service.throttle.kind=token-bucket"},
		{"sweep", "--param", "service.throttle.limit=4,5", "--replications", "2"},
		{"capacity", "--param", "service.throttle.limit", "--range", "1:3", "--target", "throttled<=100", "--replications", "2"},
	} {
		t.Run(cmd[0], func(t *testing.T) {
			code, byPath, errOut := runsim(append([]string{cmd[0], documented}, cmd[1:]...)...)
			require.Equal(t, 0, code, errOut)
			code, byName, errOut := runsim(append([]string{cmd[0], "documented"}, cmd[1:]...)...)
			require.Equal(t, 0, code, errOut)
			assert.Equal(t, byPath, strings.ReplaceAll(byName, `"file": "documented"`, `"file": "`+documented+`"`))
		})
	}
	t.Run("a file wins", func(t *testing.T) {
		t.Chdir(t.TempDir())
		write(t, "documented", slidingTwoHours)
		code, out, errOut := runsim("run", "documented")
		require.Equal(t, 0, code, errOut)
		assert.Contains(t, out, "sliding-2h (documented)")
	})
	t.Run("neither", func(t *testing.T) {
		code, _, errOut := runsim("run", "documentd")
		assert.Equal(t, exitBadInput, code)
		assert.Equal(t, "runsim run: documentd: no such file, and the library has no scenario \"documentd\"; did you mean \"documented\"?\n", errOut)
		code, _, errOut = runsim("run", "nothing-like-it")
		assert.Equal(t, exitBadInput, code)
		assert.Contains(t, errOut, `nothing-like-it: no such file, and the library has no scenario "nothing-like-it" (it has `)
		assert.Contains(t, errOut, "policies/throttle-gcra")
	})
}

// TestHelpIsTruthful: every flag a command's help names is a flag it
// takes, and the shared ones are named in every command that takes them.
func TestHelpIsTruthful(t *testing.T) {
	flagRe := regexp.MustCompile(`(?m)^\s+(--[a-z][a-z-]*)`)
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			for _, m := range flagRe.FindAllStringSubmatch(c.usage, -1) {
				_, _, errOut := runsim(c.name, m[1]+"=x")
				assert.NotContains(t, errOut, "unknown flag", "%s names %s", c.name, m[1])
			}
		})
	}
	for name, shared := range map[string][]string{
		"run":      {"--format text|json", "--replications N", "--workers N", "--report DIR", "--seed N", "--set path=value"},
		"compare":  {"--format text|json|csv", "--replications N", "--workers N", "--report DIR", "--seed N", "--set path=value"},
		"sweep":    {"--format csv|json", "--replications N", "--workers N", "--report DIR", "--seed N", "--set path=value"},
		"capacity": {"--format text|json", "--replications N", "--workers N", "--seed N", "--set path=value"},
	} {
		code, out, _ := runsim(name, "--help")
		require.Equal(t, 0, code)
		for _, f := range shared {
			assert.Contains(t, out, "\n  "+f+" ", "%s --help", name)
			_, _, errOut := runsim(name, strings.Fields(f)[0]+"=x")
			assert.NotContains(t, errOut, "unknown flag", "%s %s", name, f)
		}
		assert.Contains(t, out, "SCENARIO is a scenario file, or the name of a scenario of the library")
	}
}

// TestREADMEListsEveryMetric keeps the README's metric table and the
// metric table together.
func TestREADMEListsEveryMetric(t *testing.T) {
	readme := read(t, "../../README.md")
	for _, m := range metrics.All() {
		row := fmt.Sprintf("| `%s` | `%s` | %s | %s |\n", m.Name, m.Key(), m.Kind, m.Doc)
		assert.Contains(t, readme, row)
	}
}

func TestUsageErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "usage: runsim COMMAND"},
		{"unknown command", []string{"simulate"}, `unknown command "simulate"`},
		{"no file", []string{"run"}, "want one scenario file, got 0"},
		{"two files", []string{"run", documented, documented}, "want one scenario file, got 2"},
		{"missing file", []string{"run", "nope.yaml"}, "nope.yaml: no such file"},
		{"unknown flag", []string{"run", documented, "--colour"}, "runsim run: unknown flag --colour\nrun \"runsim help run\" for usage\n"},
		{"bad format", []string{"run", documented, "--format", "xml"}, `--format must be text or json, got "xml"`},
		{"bad seed", []string{"run", documented, "--seed", "-1"}, `--seed must be a whole number >= 0, got "-1"`},
		{"bad trace extension", []string{"run", documented, "--trace", filepath.Join(dir, "t.xml")}, `runsim does not write .xml traces: name the file .trace, .txt or .log (text), .csv (CSV), .jsonl or .ndjson (JSON lines) or .json (a JSON array), or give --trace-format`},
		{"trace in a missing folder", []string{"run", documented, "--trace", filepath.Join(dir, "no", "t.csv")}, "does not exist"},
		{"bad override", []string{"run", documented, "--set", "service.throttle.limit=0"}, "--set service.throttle.limit=0: service.throttle.limit: must be at least 1, got 0"},
		{"validate nothing", []string{"validate"}, "no scenarios given"},
		{"help for an unknown command", []string{"help", "fly"}, `unknown command "fly"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(tc.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errOut, tc.want)
			assert.Empty(t, out)
		})
	}
}

// TestHelpAndDashHelpAgree: "runsim help COMMAND" and "runsim COMMAND
// --help" print the same usage, the one the command table holds.
func TestHelpAndDashHelpAgree(t *testing.T) {
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			code, help, errOut := runsim("help", c.name)
			require.Equal(t, exitOK, code, errOut)
			code, dashHelp, errOut := runsim(c.name, "--help")
			require.Equal(t, exitOK, code, errOut)
			assert.Equal(t, c.usage, help)
			assert.Equal(t, c.usage, dashHelp)
		})
	}
}

func TestHelp(t *testing.T) {
	code, out, _ := runsim("help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "run ")
	assert.Contains(t, out, "validate ")
	for _, args := range [][]string{{"help", "run"}, {"run", "--help"}, {"run", "-h"}} {
		code, out, _ := runsim(args...)
		assert.Equal(t, 0, code, args)
		for _, flag := range []string{"--format", "--trace", "--seed", "--set"} {
			assert.Contains(t, out, flag, args)
		}
	}
	code, out, _ = runsim("help", "validate")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "FILE:LINE:COL")
}

// TestREADMEDocumentsEveryCommand keeps the README and the commands
// together; scenario's TestREADMEVariantTables keeps its variant tables.
func TestREADMEDocumentsEveryCommand(t *testing.T) {
	readme := read(t, "../../README.md")
	for _, cmd := range commands {
		assert.Contains(t, readme, "runsim "+cmd.name, "README does not mention runsim %s", cmd.name)
	}
}

func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}, {"-v"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, out, errOut := runsim(args...)
			assert.Equal(t, exitOK, code)
			assert.Empty(t, errOut)
			assert.Regexp(t, `^runsim \S+`, out)
			assert.Contains(t, out, runtime.Version())
			assert.Contains(t, out, runtime.GOOS+"/"+runtime.GOARCH)
		})
	}
	code, out, _ := runsim("version", "--help")
	assert.Equal(t, exitOK, code)
	assert.Equal(t, versionUsage, out)
	code, out, errOut := runsim("version", "now")
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Equal(t, "runsim version: takes no arguments, got \"now\"\nrun \"runsim help version\" for usage\n", errOut)
}

func TestDescribeBuild(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "4cd2440c1f3a5b6c7d8e9f00112233445566778"},
		{Key: "vcs.time", Value: "2026-11-23T16:32:26Z"}, {Key: "vcs.modified", Value: "true"}}
	tests := []struct {
		name   string
		bi     *debug.BuildInfo
		linked string
		want   string
	}{
		{name: "no build info", bi: nil, want: "devel"},
		{name: "a work tree without VCS", bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			want: "devel go1.26.8"},
		{name: "a work tree with VCS", bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			want: "devel (revision 4cd2440c1f3a, 2026-11-23T16:32:26Z, modified) go1.26.8"},
		{name: "go install of a tag", bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}},
			want: "v1.2.0 go1.26.8"},
		{name: "set at link time", bi: &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}, Settings: vcs[:2]},
			linked: "v9.9.9", want: "v9.9.9 (revision 4cd2440c1f3a) go1.26.8"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, describeBuild(tc.bi, tc.linked))
		})
	}
}

// TestReportCarriesTheVersion: every report page names the version the
// version command prints.
func TestReportCarriesTheVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	code, _, errOut := runsim("run", documented, "--report", dir, "--quiet")
	require.Equal(t, exitOK, code, errOut)
	_, v, _ := runsim("version")
	version := strings.TrimPrefix(strings.Fields(v)[1], "runsim ")
	for _, f := range []string{"report.html", "report.md"} {
		data := read(t, filepath.Join(dir, f))
		assert.Contains(t, data, "runsim "+version, f)
		assert.Contains(t, data, runsimVersion(), f)
	}
}

// TestDidYouMean: wherever a name is looked up, a near miss gets the
// nearest name.
func TestDidYouMean(t *testing.T) {
	tests := []refusal{
		{name: "command", args: []string{"rn"}, want: "runsim: unknown command \"rn\"; did you mean \"run\"?\nrun \"runsim help\" for the list of commands\n"},
		{name: "far from every command", args: []string{"simulate"}, want: "runsim: unknown command \"simulate\"\nrun \"runsim help\" for the list of commands\n"},
		{name: "help for a command", args: []string{"help", "cpmpare"}, want: "runsim help: unknown command \"cpmpare\"; did you mean \"compare\"?\nrun \"runsim help\" for the list of commands\n"},
		{name: "a flag before the command, far from any", args: []string{"--colour"}, want: "runsim: unknown flag --colour: flags go after the command\nrun \"runsim help\" for the list of commands\n"},
		{name: "a flag before the command", args: []string{"--verison"}, want: "runsim: unknown flag --verison; did you mean --version?\nrun \"runsim help\" for the list of commands\n"},
		{name: "flag", args: []string{"run", documented, "--sed", "7"}, want: "runsim run: unknown flag --sed; did you mean --seed?\nrun \"runsim help run\" for usage\n"},
		{name: "flag with a value", args: []string{"sweep", documented, "--replicatons=3"}, want: "runsim sweep: unknown flag --replicatons; did you mean --replications?\nrun \"runsim help sweep\" for usage\n"},
		{name: "library scenario", args: []string{"run", "documnted"}, want: "runsim run: documnted: no such file, and the library has no scenario \"documnted\"; did you mean \"documented\"?\n"},
		{name: "library scenario with .yaml", args: []string{"run", "hourly-poller.yaml"}, want: "runsim run: hourly-poller.yaml: no such file, and the library has no scenario \"hourly-poller.yaml\"; did you mean \"hourly-poller\"?\n"},
		{name: "library scenario without its folder", args: []string{"compare", "throttle-gcra"}, want: "runsim compare: throttle-gcra: no such file, and the library has no scenario \"throttle-gcra\"; did you mean \"policies/throttle-gcra\"?\n"},
		{name: "library scenario misspelt without its folder", args: []string{"run", "throtle-gcra"}, want: "runsim run: throtle-gcra: no such file, and the library has no scenario \"throtle-gcra\"; did you mean \"policies/throttle-gcra\"?\n"},
		{name: "a path is not a name", args: []string{"run", "/no/such/file.yaml"}, want: "runsim run: /no/such/file.yaml: no such file\n"},
		{name: "metric of --target", args: []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "1:9", "--target", "throtled_fraction<=5%"},
			want: "runsim capacity: --target: unknown metric \"throtled_fraction\"; did you mean \"throttled_fraction\"?\n"},
		{name: "--format", args: []string{"run", documented, "--format", "jsn"}, want: "runsim run: --format must be text or json, got \"jsn\"; did you mean \"json\"?\n"},
		{name: "--trace-format", args: []string{"run", documented, "--trace", "-", "--trace-format", "jsnl"}, want: "runsim run: --trace-format must be text, csv, jsonl or json, got \"jsnl\"; did you mean \"jsonl\"?\n"},
	}
	testRefusals(t, tests)
}

// TestNoInternalPrefixes: errors from runsim's packages reach people
// without the package's name.
func TestNoInternalPrefixes(t *testing.T) {
	code, out, errOut := runsim("run", "documented", "--set", "service.skip.kind=re-anchor", "--set", `service.schedule={kind: cron, cron: "0 2 * * *"}`)
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Equal(t, "runsim run: documented.yaml:14:3: the engine cannot be built: the re-anchor skip rule needs a schedule that can move (every)\n", errOut)

	for msg, want := range map[string]string{
		"sim: End must be after Start":            "End must be after Start",
		"x.yaml: policy: GCRA burst must be >= 1": "x.yaml: GCRA burst must be >= 1",
		"simulation: a word that only starts so":  "simulation: a word that only starts so",
		"my-sim: file":                            "my-sim: file",
	} {
		assert.Equal(t, want, withoutPackages(msg), msg)
	}
}

// TestFlagErrors: a bad flag is one line and the hint to the help, never
// the whole help.
func TestFlagErrors(t *testing.T) {
	tests := []refusal{
		{name: "unknown", args: []string{"run", documented, "--colour"}, want: "runsim run: unknown flag --colour"},
		{name: "no value", args: []string{"run", documented, "--seed"}, want: "runsim run: --seed needs a value"},
		{name: "not a whole number", args: []string{"run", documented, "--replications", "many"}, want: "runsim run: --replications many: not a whole number"},
		{name: "not a number", args: []string{"capacity", documented, "--tolerance", "fine"}, want: "runsim capacity: --tolerance fine: not a number"},
		{name: "not a boolean", args: []string{"capacity", documented, "--smallest=maybe"}, want: "runsim capacity: --smallest maybe: want true or false"},
		{name: "not a count of events", args: []string{"run", documented, "--max-events", "lots"}, want: "runsim run: --max-events lots: want a whole number of events >= 0, e.g. 2e9 or 2_000_000_000"},
		{name: "bad syntax", args: []string{"validate", "---set"}, want: "runsim validate: bad flag syntax ---set: flags are --name or --name=value"},
	}
	for i, tc := range tests {
		tests[i].want += "\nrun \"runsim help " + tc.args[0] + "\" for usage\n"
	}
	testRefusals(t, tests)
}

// TestSharedFlagValues: an explicit --replications 0 is refused, not
// taken as the default, and each bad flag gets its own line.
func TestSharedFlagValues(t *testing.T) {
	tests := []refusal{
		{name: "replications 0", args: []string{"run", documented, "--replications", "0"},
			want: "runsim run: --replications must be at least 1, got 0 (leave it out for the scenario's replications, 1 unless it says)\n"},
		{name: "replications past the bound", args: []string{"run", documented, "--replications", "1000000000000"},
			want: "runsim run: --replications must be at most 100000, got 1000000000000\n"},
		{name: "two bad flags, two lines", args: []string{"compare", documented, "--replications", "-3", "--workers", "0"},
			want: "runsim compare: --replications must be at least 1, got -3 (leave it out for the scenario's replications, 1 unless it says)\nrunsim compare: --workers must be at least 1, got 0\n"},
		{name: "three bad flags", args: []string{"capacity", documented, "--param", "p", "--range", "1:2", "--target", "requests<=1", "--replications", "0", "--workers", "-1", "--seed", "x"},
			want: "runsim capacity: --replications must be at least 1, got 0 (leave it out for the scenario's, at least 20)\nrunsim capacity: --workers must be at least 1, got -1\nrunsim capacity: --seed must be a whole number >= 0, got \"x\"\n"},
		{name: "two in a sweep", args: []string{"sweep", documented, "--param", "service.throttle.limit=1,2", "--replications", "0", "--workers", "0"},
			want: "runsim sweep: --replications must be at least 1, got 0 (leave it out for the scenario's replications)\nrunsim sweep: --workers must be at least 1, got 0\n"},
		{name: "replications 0 in a sweep", args: []string{"sweep", documented, "--param", "service.throttle.limit=1,2", "--replications", "0"},
			want: "runsim sweep: --replications must be at least 1, got 0 (leave it out for the scenario's replications)\n"},
	}
	testRefusals(t, tests)
}

func TestEventCountFlag(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{in: "1000", want: 1000}, {in: "2_000_000_000", want: 2_000_000_000}, {in: "3,000", want: 3000}, {in: "2e9", want: 2_000_000_000},
		{in: "1.5e3", want: 1500}, {in: "0", want: 0}, {in: "-1", err: true}, {in: "1.5", err: true}, {in: "lots", err: true}, {in: "1e30", err: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var n eventCount
			err := n.Set(tc.in)
			if tc.err {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, int64(n))
		})
	}
}

func TestLiftTo(t *testing.T) {
	for n, want := range map[int64]string{26250870: "2.7e7", 1_562_356_360: "1.6e9", 1000: "1e3", 1001: "1.1e3", 999: "1e3", 99_999: "1e5"} {
		t.Run(want, func(t *testing.T) {
			assert.Equal(t, want, liftTo(n))
			var lifted eventCount
			require.NoError(t, lifted.Set(want))
			assert.GreaterOrEqual(t, int64(lifted), n)
		})
	}
}

// TestBudget: work estimated past --max-events is refused before it
// starts, with the way to lift it; --max-events 0 lifts it.
func TestBudget(t *testing.T) {
	n := documentedEvents(t)
	tests := []struct {
		name string
		args []string
		want string
		code int
	}{
		{name: "run", args: []string{"run", documented, "--max-events", "100"},
			want: fmt.Sprintf("runsim run: this would simulate about %d events (%d a replication), over the budget of 100; lift it with --max-events %s, or --max-events 0 for no limit\n", n, n, liftTo(int64(n))), code: exitBadInput},
		{name: "run with replications", args: []string{"run", documented, "--max-events", "1000", "--replications", "10"},
			want: fmt.Sprintf("runsim run: this would simulate about %s events (%d a replication × 10 replications), over the budget of 1,000; lift it with --max-events %s, or --max-events 0 for no limit\n", metrics.FormatInt(int64(10*n)), n, liftTo(int64(10*n))), code: exitBadInput},
		{name: "compare", args: []string{"compare", documented, "--variant", "b=service.throttle.kind=token-bucket", "--max-events", "100"},
			want: "runsim compare: this would simulate about", code: exitBadInput},
		{name: "capacity", args: []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "1:9", "--target", "throttled<=3", "--max-events", "1e4"},
			want: "runsim capacity: this would simulate about", code: exitBadInput},
		{name: "lifted", args: []string{"run", documented, "--max-events", "0"}, code: exitOK},
		{name: "within", args: []string{"run", documented, "--max-events", strconv.Itoa(n)}, code: exitOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(tc.args...)
			assert.Equal(t, tc.code, code, errOut)
			if tc.code == exitOK {
				assert.Empty(t, errOut)
				assert.NotEmpty(t, out)
				return
			}
			assert.Empty(t, out)
			assert.True(t, strings.HasPrefix(errOut, tc.want), errOut)
		})
	}
}

// TestWroteSaysWhere: a command whose output goes to files says on
// standard error what it wrote where, unless --quiet.
func TestWroteSaysWhere(t *testing.T) {
	dir := t.TempDir()
	at := func(name string) string { return filepath.Join(dir, name) }
	events := fmt.Sprintf("(%d events)", documentedEvents(t))
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "run --trace", args: []string{"run", documented, "--trace", at("t.csv")},
			want: "runsim run: wrote the trace " + events + " to " + at("t.csv") + "\n"},
		{name: "run --trace json", args: []string{"run", documented, "--trace", at("t.json")},
			want: "runsim run: wrote the trace " + events + " to " + at("t.json") + "\n"},
		{name: "run --report", args: []string{"run", documented, "--report", at("run")},
			want: "runsim run: wrote the report to " + at("run") + " (open " + filepath.Join(at("run"), "report.html") + ")\n"},
		{name: "run --trace --report", args: []string{"run", documented, "--trace", at("u.trace"), "--report", at("run2")},
			want: "runsim run: wrote the trace " + events + " to " + at("u.trace") + "\nrunsim run: wrote the report to " + at("run2") + " (open " + filepath.Join(at("run2"), "report.html") + ")\n"},
		{name: "compare --report", args: []string{"compare", documented, "--variant", "b=service.throttle.kind=token-bucket", "--report", at("cmp")},
			want: "runsim compare: wrote the report to " + at("cmp") + " (open " + filepath.Join(at("cmp"), "report.html") + ")\n"},
		{name: "sweep --out --report", args: []string{"sweep", documented, "--param", "service.throttle.limit=4,5", "--replications", "2", "--out", at("s.csv"), "--report", at("sw")},
			want: "runsim sweep: wrote the sweep to " + at("s.csv") + "\nrunsim sweep: wrote the report to " + at("sw") + " (open " + filepath.Join(at("sw"), "report.html") + ")\n"},
		{name: "quiet", args: []string{"run", documented, "--trace", at("q.csv"), "--report", at("q"), "--quiet"}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(tc.args...)
			require.Equal(t, exitOK, code, errOut)
			if !slices.Contains(tc.args, "--out") {
				assert.NotEmpty(t, out)
			}
			assert.Equal(t, tc.want, errOut)
		})
	}
	// A report that cannot be written says where, without os's verbs.
	write(t, at("file"), "")
	code, _, errOut := runsim("run", documented, "--report", at("file"))
	assert.Equal(t, exitBadInput, code)
	assert.Equal(t, "runsim run: --report: "+at("file")+": is a file, not a folder\n", errOut)

}

// TestProgressDisplay: one display for run, compare and capacity, drawn
// only on a terminal, with the estimate of the work.
func TestProgressDisplay(t *testing.T) {
	terminal := false
	was := isTerminal
	isTerminal = func(io.Writer) bool { return terminal }
	t.Cleanup(func() { isTerminal = was })
	n := documentedEvents(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "run", args: []string{"run", documented}, want: fmt.Sprintf("run documented, about %d events", n)},
		{name: "run with replications", args: []string{"run", documented, "--replications", "3"}, want: "run documented, about " + metrics.FormatInt(int64(3*n)) + " events"},
		{name: "compare", args: []string{"compare", documented, "--variant", "b=service.throttle.kind=token-bucket"}, want: "compare 2 variants, about"},
		{name: "capacity", args: []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "1:9", "--target", "throttled<=3", "--replications", "2"}, want: "capacity of service.throttle.limit, at most"},
		{name: "sweep", args: []string{"sweep", documented, "--param", "service.throttle.limit=1,2", "--replications", "2"}, want: "sweep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			terminal = true
			code, _, errOut := runsim(tc.args...)
			require.Equal(t, exitOK, code, errOut)
			assert.Contains(t, errOut, tc.want, "drawn on a terminal")

			code, _, errOut = runsim(append(tc.args, "--quiet")...)
			require.Equal(t, exitOK, code, errOut)
			assert.Empty(t, errOut, "--quiet")

			terminal = false
			code, _, errOut = runsim(tc.args...)
			require.Equal(t, exitOK, code, errOut)
			assert.Empty(t, errOut, "not a terminal")
		})
	}
}

func TestDisplay(t *testing.T) {
	was := isTerminal
	t.Cleanup(func() { isTerminal = was })
	isTerminal = func(io.Writer) bool { return true }

	var buf bytes.Buffer
	d := newDisplay(&buf, "run big, about 10 events", "events", false)
	require.NotNil(t, d)
	d.update(0, 10)
	d.update(25, 10) // the estimate fell short
	assert.Equal(t, 10, d.max)
	d.finish()
	assert.Contains(t, buf.String(), "run big, about 10 events")

	assert.Nil(t, newDisplay(&buf, "x", "events", true), "quiet")
	isTerminal = func(io.Writer) bool { return false }
	var none *display
	assert.Nil(t, newDisplay(&buf, "x", "events", false), "not a terminal")
	assert.Nil(t, none.progress())
	none.update(1, 2) // a nil display draws nothing and does not fail
	none.finish()
}

// TestWarmupFlag: --warmup is one shared flag on the commands that
// estimate, checked as the scenario's warmup field is; 0 changes nothing.
func TestWarmupFlag(t *testing.T) {
	_, plain, _ := runsim("run", documented, "--format", "json")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout string // "" : not checked
		stderr string
	}{
		{name: "zero is no warm-up", args: []string{"run", documented, "--format", "json", "--warmup", "0s"}, stdout: plain},
		{name: "bad duration", args: []string{"run", documented, "--warmup", "1x"}, code: 2,
			stderr: "runsim run: --warmup: bad duration \"1x\": want a number and a unit (ms, s, m, h, d, w, y), e.g. 90m, 12h, 14d or 1h30m\n"},
		{name: "as long as the horizon", args: []string{"compare", documented, "--warmup", "14d"}, code: 2,
			stderr: "runsim compare: ../../scenarios/documented.yaml: --set warmup=14d: warmup: must be shorter than the horizon (14d), got 14d\n"},
		{name: "sweep takes it", args: []string{"sweep", documented, "--param", "service.throttle.limit=4:5:1", "--warmup", "2d", "--quiet"}},
		{name: "capacity takes it", args: []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "1:6",
			"--target", "throttled_fraction<=50%", "--replications", "2", "--warmup", "2d", "--quiet"}},
		{name: "check takes it", args: []string{"check", "../../scenarios/rules", "--warmup", "1h"}},
		{name: "check refuses a bad one", args: []string{"check", "../../scenarios/rules", "--warmup", "soon"}, code: 2,
			stderr: "runsim check: --warmup: bad duration \"soon\": want a number and a unit (ms, s, m, h, d, w, y), e.g. 90m, 12h, 14d or 1h30m\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(tc.args...)
			require.Equal(t, tc.code, code, errOut)
			if tc.stdout != "" {
				assert.Equal(t, tc.stdout, out)
			}
			if tc.stderr != "" {
				assert.Equal(t, tc.stderr, errOut)
			}
		})
	}

	code, out, errOut := runsim("run", documented, "--warmup", "2d")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "measured from                      2025-01-08T00:00:00Z (a warm-up of 2d left out)")
}

// TestUsageDocumentsEveryFlag: each command's usage lists exactly the
// flags its flag set registers, its own and the shared ones; for a
// command with subcommands, which share its usage, the flags any of them
// registers. A flag is listed on a line of its own, starting "  --name";
// other mentions of flags in the text are not counted.
func TestUsageDocumentsEveryFlag(t *testing.T) {
	listed := regexp.MustCompile(`(?m)^  --([a-z][a-z0-9-]*)`)
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			actions := []action{c.run}
			if len(c.subs) > 0 {
				actions = nil
				for _, s := range c.subs {
					actions = append(actions, s.run)
				}
			}
			var registered []string
			for _, run := range actions {
				fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
				if c.shared != nil {
					new(shared).declare(fs, *c.shared)
				}
				run(fs)
				fs.VisitAll(func(f *flag.Flag) { registered = append(registered, f.Name) })
			}
			var documented []string
			for _, m := range listed.FindAllStringSubmatch(c.usage, -1) {
				documented = append(documented, m[1])
			}
			slices.Sort(registered)
			slices.Sort(documented)
			assert.Equal(t, slices.Compact(registered), slices.Compact(documented), "the flags of runsim %s", c.name)
		})
	}
}

// TestHelpTakesOneCommand: runsim help takes at most one argument.
func TestHelpTakesOneCommand(t *testing.T) {
	code, out, errOut := runsim("help", "run", "extra")
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Equal(t, "runsim help: takes at most one command, got 2: \"run extra\"\nrun \"runsim help help\" for usage\n", errOut)
}

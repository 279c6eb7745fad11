package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckEveryShippedScenario is runsim check over the whole scenario
// library, the rules suite and the benchmark load included.
func TestCheckEveryShippedScenario(t *testing.T) {
	code, out, errOut := runsim("check", "../../scenarios")
	require.Equal(t, 0, code, out+errOut)
	files, err := scenarioFiles([]string{"../../scenarios"})
	require.NoError(t, err)
	n := len(files)
	require.Greater(t, n, 25)
	assert.Equal(t, n, strings.Count(out, "\nok ")+boolInt(strings.HasPrefix(out, "ok ")))
	assert.Contains(t, out, "0 failed\n")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestCheckFailuresAndJUnit(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, errOut := runsim("check", "../../scenarios/rules", "--set", "service.throttle.limit=6", "--junit", junit)
	assert.Equal(t, 1, code, errOut)
	assert.Contains(t, out, "FAIL  five-then-throttled")
	assert.Contains(t, out, `expectation "five starts are accepted": expected exactly 5 accepted events; got 6`)
	assert.Contains(t, out, "events around it")
	assert.Regexp(t, `\n\d+ passed, [1-9]\d* failed\n$`, out)

	doc := readJUnit(t, junit)
	assert.Positive(t, doc.Failures)
	found := false
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if s.Name == "five-then-throttled" && c.Name == "five starts are accepted" {
				require.NotNil(t, c.Failure)
				assert.Equal(t, "expected exactly 5 accepted events; got 6 (the one marked > is number 6)", c.Failure.Message)
				found = true
			}
		}
	}
	assert.True(t, found, "the failing scenario is in the JUnit XML")
}

func TestCheckRunSelects(t *testing.T) {
	code, out, _ := runsim("check", "../../scenarios/rules", "--run", "skip")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "skip-at-exactly-10h")
	assert.Contains(t, out, "no-skip-at-10h-plus-1s")
	assert.NotContains(t, out, "five-then-throttled")
	assert.Contains(t, out, "2 passed, 0 failed")
}

func TestCheckUpdate(t *testing.T) {
	dir := t.TempDir()
	src := read(t, "../../scenarios/rules/start-during-run.yaml")
	yaml := filepath.Join(dir, "s.yaml")
	trace := filepath.Join(dir, "s.trace")
	write(t, yaml, src)
	write(t, trace, "old\n")
	code, out, _ := runsim("check", yaml)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `expected line 1 to be "old"`)
	code, _, _ = runsim("check", yaml, "--update")
	assert.Equal(t, 0, code)
	want := read(t, "../../scenarios/rules/start-during-run.trace")
	got := read(t, trace)
	assert.Equal(t, want, got)
	code, _, _ = runsim("check", dir)
	assert.Equal(t, 0, code)
}

// TestCheckBadExpectations: an expectation naming an unknown event kind or
// client is bad input (exit 2, with line and column), not a failure.
func TestCheckBadExpectations(t *testing.T) {
	src := read(t, "../../scenarios/rules/five-then-throttled.yaml")
	tests := []struct{ name, old, new, at, msg string }{
		{"unknown event kind", "count: accepted", "count: approved", "approved",
			`expect.0.count: unknown event kind "approved" (known: request-arrived, accepted, throttled, conflict, run-started, run-finished, scheduled-due, scheduled-skipped, operation-changed, retry-scheduled, gave-up)`},
		{"unknown client", "client: admin", "client: bob", "bob",
			`expect.1.client: unknown client "bob" (the scenario has: admin)`},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(src, tc.old, tc.new, 1)
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			write(t, path, text)
			line, col := lineCol(text, tc.at)
			code, _, errOut := runsim("check", path)
			assert.Equal(t, 2, code)
			assert.Equal(t, fmt.Sprintf("%s:%d:%d: %s\n", path, line, col, tc.msg), errOut)
		})
	}
}

// copyRule copies a rule scenario into dir as NAME.yaml, renamed NAME, with
// a stale golden trace beside it.
func copyRule(t *testing.T, dir, rule, name string) (yaml, trace string) {
	t.Helper()
	src := read(t, "../../scenarios/rules/"+rule+".yaml")
	text := strings.Replace(src, "name: "+rule+"\n", "name: "+name+"\n", 1)
	require.NotEqual(t, src, text, "the rule names itself %s", rule)
	yaml = filepath.Join(dir, name+".yaml")
	trace = filepath.Join(dir, name+".trace")
	write(t, yaml, text)
	write(t, trace, "old\n")
	return yaml, trace
}

// TestCheckUpdateOnlyWhatRunSelects: --update --run NAME rewrites NAME's
// golden trace and no other.
func TestCheckUpdateOnlyWhatRunSelects(t *testing.T) {
	dir := t.TempDir()
	_, chosen := copyRule(t, dir, "start-during-run", "chosen")
	_, other := copyRule(t, dir, "start-during-run", "other")
	code, out, errOut := runsim("check", dir, "--update", "--run", "^chosen$")
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "1 passed, 0 failed")
	want := read(t, "../../scenarios/rules/start-during-run.trace")
	got := read(t, chosen)
	assert.Equal(t, want, got, "the selected scenario's trace is rewritten")
	got = read(t, other)
	assert.Equal(t, "old\n", got, "a scenario --run leaves out keeps its trace")
}

// TestCheckRefusesSetWithUpdate: an override would be written into every
// golden trace.
func TestCheckRefusesSetWithUpdate(t *testing.T) {
	dir := t.TempDir()
	_, trace := copyRule(t, dir, "five-then-throttled", "five")
	code, out, errOut := runsim("check", dir, "--update", "--set", "service.throttle.limit=4")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, "runsim check: --update cannot be combined with --set: the overrides would be written into the golden traces\n", errOut)
	got := read(t, trace)
	assert.Equal(t, "old\n", got)
}

// TestCheckFailedWrites: output that cannot be written is exit 2, whatever
// the checks found.
func TestCheckFailedWrites(t *testing.T) {
	rule := "../../scenarios/rules/start-during-run.yaml"
	t.Run("stdout", func(t *testing.T) {
		var errOut bytes.Buffer
		code := cli([]string{"check", rule}, failing{}, &errOut)
		assert.Equal(t, 2, code)
		assert.Equal(t, "runsim check: writing the results: no space left on device\n", errOut.String())
	})
	t.Run("junit", func(t *testing.T) {
		junit := filepath.Join(t.TempDir(), "missing", "junit.xml")
		code, out, errOut := runsim("check", rule, "--junit", junit)
		assert.Equal(t, 2, code)
		assert.Contains(t, out, "1 passed, 0 failed")
		assert.Contains(t, errOut, "runsim check: --junit: ")
		assert.NoFileExists(t, junit)
	})
}

// TestCheckCountsFilesThatDoNotLoad: a file that does not load is a
// failure in the summary line and in the JUnit XML, and exit 2.
func TestCheckCountsFilesThatDoNotLoad(t *testing.T) {
	dir := t.TempDir()
	copyRule(t, dir, "start-during-run", "good")
	bad := filepath.Join(dir, "bad.yaml")
	write(t, bad, "name: bad\nhorizon: soon\n")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, errOut := runsim("check", dir, "--update", "--junit", junit)
	assert.Equal(t, 2, code)
	assert.Regexp(t, `^`+regexp.QuoteMeta(bad)+`:2:10: `, errOut)
	assert.Regexp(t, `(?m)^FAIL  bad\.yaml +`+regexp.QuoteMeta(bad)+` +does not load$`, out)
	assert.Contains(t, out, "\n1 passed, 1 failed\n")

	doc := readJUnit(t, junit)
	assert.Equal(t, 1, doc.Failures)
	require.Len(t, doc.Suites, 2)
	s := doc.Suites[0]
	assert.Equal(t, "bad.yaml", s.Name)
	require.Len(t, s.Cases, 1)
	require.NotNil(t, s.Cases[0].Failure)
	assert.Equal(t, "load", s.Cases[0].Failure.Type)
	assert.Contains(t, s.Cases[0].Failure.Message, "bad.yaml:2:10: ")
	assert.Equal(t, 5+1, doc.Tests-1, "the good scenario's five expectations and golden trace, and the load")
}

// TestBadScenarioFiles: one file per class of bad input; runsim run and
// runsim validate exit 2 and name the file, line and column.
func TestBadScenarioFiles(t *testing.T) {
	base := read(t, documented)
	tests := []struct{ class, old, new, at string }{
		{"unknown key", "  skip: {", "  skp: {", "skp"},
		{"bad duration", "window: 12h", "window: 12hours", "12hours"},
		{"bad rate", "rate: 3/d", "rate: 3 per day", "3 per day"},
		{"negative value", "median: 110m", "median: -110m", "-110m"},
		{"zero value", "limit: 5", "limit: 0", "0,"},
		{"probabilities that do not sum to 1", "failed: 0.05", "failed: 0.5", "{completed"},
		{"horizon over 1000 years", "horizon: 14d", "horizon: 1500y", "1500y"},
	}
	dir := t.TempDir()
	for i, tc := range tests {
		t.Run(tc.class, func(t *testing.T) {
			text := strings.Replace(base, tc.old, tc.new, 1)
			require.NotEqual(t, base, text)
			path := filepath.Join(dir, fmt.Sprintf("bad%d.yaml", i))
			write(t, path, text)
			k := strings.Index(text, tc.at)
			line := strings.Count(text[:k], "\n") + 1
			col := k - strings.LastIndex(text[:k], "\n")
			where := fmt.Sprintf("%s:%d:%d: ", path, line, col)
			for _, cmd := range []string{"run", "validate"} {
				code, out, errOut := runsim(cmd, path)
				assert.Equal(t, 2, code, cmd)
				assert.Contains(t, errOut, where, cmd)
				assert.Empty(t, out, cmd)
			}
		})
	}
}

func TestValidateShipped(t *testing.T) {
	files, err := filepath.Glob("../../scenarios/*.yaml")
	require.NoError(t, err)
	code, out, errOut := runsim(append([]string{"validate"}, files...)...)
	assert.Equal(t, 0, code, errOut)
	assert.Equal(t, len(files), strings.Count(out, ": ok (about "))
}

// TestValidateAgreesWithRun: validate says ok exactly when run can start.
// The reproductions of a validator and a builder that disagreed (a limit
// that panicked or ran out of memory in the builder, a start at the zero
// time, a horizon past what time.Duration holds) are refused by both at
// the same place; work past the budget is ok to validate, which says how
// much it is, and refused by run without --max-events 0.
func TestValidateAgreesWithRun(t *testing.T) {
	const b = "start: 2025-01-06T00:00:00Z\nhorizon: 2d\n"
	tests := []struct {
		name, yaml, refused string // refused: "" when both accept
	}{
		{name: "limit 10^18", yaml: b + "service: {throttle: {limit: 1000000000000000000}}\n",
			refused: ":3:29: service.throttle.limit: must be at most 1000000, got 1000000000000000000"},
		{name: "limit 10^10", yaml: b + "service: {throttle: {limit: 10000000000}}\n",
			refused: ":3:29: service.throttle.limit: must be at most 1000000, got 10000000000"},
		{name: "horizon 1000y", yaml: "start: 2025-01-06T00:00:00Z\nhorizon: 1000y\n",
			refused: `:2:10: horizon: horizon "1000y" is longer than the limit of 200y`},
		{name: "start at the zero time", yaml: "start: 0001-01-01T00:00:00Z\nhorizon: 2d\n",
			refused: `:1:8: start: time "0001-01-01T00:00:00Z" is out of range: instants lie in the years 1900 to 9000`},
		{name: "a re-anchor the engine refuses", yaml: b + "service:\n  skip: {kind: re-anchor}\n  schedule: {kind: cron, cron: \"0 2 * * *\"}\n",
			refused: ":4:3: the engine cannot be built: the re-anchor skip rule needs a schedule that can move (every)"},
		{name: "the limit itself", yaml: b + "service: {throttle: {limit: 1000000}}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeScenario(t, tc.yaml)
			vcode, vout, verr := runsim("validate", path)
			rcode, _, rerr := runsim("run", path)
			if tc.refused == "" {
				assert.Equal(t, exitOK, vcode, verr)
				assert.Equal(t, exitOK, rcode, rerr)
				assert.Contains(t, vout, path+": ok (about ")
				return
			}
			assert.Equal(t, exitBadInput, vcode)
			assert.Equal(t, exitBadInput, rcode)
			assert.Empty(t, vout)
			assert.Equal(t, path+tc.refused+"\n", verr)
			assert.Equal(t, "runsim run: "+path+tc.refused+"\n", rerr)
		})
	}

	t.Run("10M requests an hour for 200 years, 100000 replications", func(t *testing.T) {
		path := writeScenario(t, "start: 2025-01-06T00:00:00Z\nhorizon: 200y\nreplications: 100000\n"+
			"clients:\n  - name: a\n    arrivals: {poisson: {rate: 10000000/h}}\n")
		code, out, errOut := runsim("validate", path)
		assert.Equal(t, exitOK, code, errOut)
		assert.Regexp(t, `: ok \(more than 9,223,372,036,854,775,807 simulated events: [0-9,]+ a replication × 100000 replications; over the default --max-events of 1,000,000,000`, out)
		code, out, errOut = runsim("run", path)
		assert.Equal(t, exitBadInput, code)
		assert.Empty(t, out)
		assert.Regexp(t, `^runsim run: this would simulate more than 9,223,372,036,854,775,807 events \([0-9,]+ a replication × 100000 replications\), over the budget of 1,000,000,000; only --max-events 0 lifts it\n$`, errOut)
	})
}

// TestValidateWalksFolders: validate takes folders as check does.
func TestValidateWalksFolders(t *testing.T) {
	dir := t.TempDir()
	good := read(t, documented)
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "sub", "testdata"), 0o755))
	write(t, filepath.Join(dir, "a.yaml"), good)
	write(t, filepath.Join(dir, "sub", "b.yaml"), good)
	write(t, filepath.Join(dir, "sub", "notes.txt"), "not a scenario")
	write(t, filepath.Join(dir, "sub", "testdata", "bad.yaml"), "nonsense: [")

	code, out, errOut := runsim("validate", dir)
	assert.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, "^"+regexp.QuoteMeta(filepath.Join(dir, "a.yaml"))+`: ok \(about [0-9,]+ simulated events\)\n`+
		regexp.QuoteMeta(filepath.Join(dir, "sub", "b.yaml"))+`: ok \(about [0-9,]+ simulated events\)\n$`, out)

	write(t, filepath.Join(dir, "sub", "c.yaml"), "name: c\nhorizon: 12hours\n")
	code, out, errOut = runsim("validate", dir, documented)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, filepath.Join(dir, "sub", "c.yaml")+":2:")
	assert.Equal(t, 3, strings.Count(out, ": ok ("), "the good ones are still checked")

	empty := t.TempDir()
	code, out, errOut = runsim("validate", empty)
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Equal(t, "runsim validate: "+empty+": no scenario files (*.yaml) in the folder\n", errOut)

	code, out, errOut = runsim("validate", "rules")
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "rules/five-then-throttled: ok (about ", "a folder of the library")
	assert.Equal(t, strings.Count(out, "\n"), strings.Count(out, "rules/"))

	code, _, errOut = runsim("run", "rules")
	assert.Equal(t, exitBadInput, code)
	assert.True(t, strings.HasPrefix(errOut, "runsim run: rules: no such file, and in the library it is a folder: give one of its scenarios (rules/failed-runs-give-slots-back, "), errOut)

	code, _, errOut = runsim("run", dir)
	assert.Equal(t, exitBadInput, code)
	assert.Equal(t, "runsim run: "+dir+" is a folder: give one scenario file (runsim check and runsim validate take folders)\n", errOut)
}

// TestCheckTakesLibraryNames: check resolves its arguments as validate
// does: files, folders, and the library's scenarios and folders by name;
// anything else is one clear error before anything runs.
func TestCheckTakesLibraryNames(t *testing.T) {
	code, out, errOut := runsim("check", "rules/five-then-throttled")
	assert.Equal(t, exitOK, code, errOut)
	assert.Regexp(t, `(?m)^ok\s+five-then-throttled\s+rules/five-then-throttled\s`, out)
	assert.True(t, strings.HasSuffix(out, "1 passed, 0 failed\n"), out)

	code, out, errOut = runsim("check", "rules")
	assert.Equal(t, exitOK, code, errOut)
	assert.Contains(t, out, "rules/skip-at-exactly-10h", "a folder of the library")

	code, out, errOut = runsim("check", "nosuch")
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.True(t, strings.HasPrefix(errOut, `runsim check: nosuch: no such file, and the library has no scenario "nosuch"`), errOut)

	missing := filepath.Join(t.TempDir(), "missing.yaml")
	code, out, errOut = runsim("check", missing)
	assert.Equal(t, exitBadInput, code)
	assert.Empty(t, out)
	assert.Equal(t, "runsim check: "+missing+": no such file\n", errOut)
}

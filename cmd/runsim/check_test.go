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
	src, err := os.ReadFile("../../scenarios/rules/start-during-run.yaml")
	require.NoError(t, err)
	yaml := filepath.Join(dir, "s.yaml")
	trace := filepath.Join(dir, "s.trace")
	require.NoError(t, os.WriteFile(yaml, src, 0o644))
	require.NoError(t, os.WriteFile(trace, []byte("old\n"), 0o644))
	code, out, _ := runsim("check", yaml)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, `expected line 1 to be "old"`)
	code, _, _ = runsim("check", yaml, "--update")
	assert.Equal(t, 0, code)
	want, _ := os.ReadFile("../../scenarios/rules/start-during-run.trace")
	got, _ := os.ReadFile(trace)
	assert.Equal(t, string(want), string(got))
	code, _, _ = runsim("check", dir)
	assert.Equal(t, 0, code)
}

// TestCheckBadExpectations: an expectation naming an unknown event kind or
// client is bad input (exit 2, with line and column), not a failure.
func TestCheckBadExpectations(t *testing.T) {
	src, err := os.ReadFile("../../scenarios/rules/five-then-throttled.yaml")
	require.NoError(t, err)
	tests := []struct{ name, old, new, at, msg string }{
		{"unknown event kind", "count: accepted", "count: approved", "approved",
			`expect.0.count: unknown event kind "approved" (known: request-arrived, accepted, throttled, conflict, run-started, run-finished, scheduled-due, scheduled-skipped, operation-changed, retry-scheduled, gave-up)`},
		{"unknown client", "client: admin", "client: bob", "bob",
			`expect.1.client: unknown client "bob" (the scenario has: admin)`},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := strings.Replace(string(src), tc.old, tc.new, 1)
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-")+".yaml")
			require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
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
	src, err := os.ReadFile("../../scenarios/rules/" + rule + ".yaml")
	require.NoError(t, err)
	text := strings.Replace(string(src), "name: "+rule+"\n", "name: "+name+"\n", 1)
	require.NotEqual(t, string(src), text, "the rule names itself %s", rule)
	yaml = filepath.Join(dir, name+".yaml")
	trace = filepath.Join(dir, name+".trace")
	require.NoError(t, os.WriteFile(yaml, []byte(text), 0o644))
	require.NoError(t, os.WriteFile(trace, []byte("old\n"), 0o644))
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
	want, err := os.ReadFile("../../scenarios/rules/start-during-run.trace")
	require.NoError(t, err)
	got, err := os.ReadFile(chosen)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "the selected scenario's trace is rewritten")
	got, err = os.ReadFile(other)
	require.NoError(t, err)
	assert.Equal(t, "old\n", string(got), "a scenario --run leaves out keeps its trace")
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
	got, err := os.ReadFile(trace)
	require.NoError(t, err)
	assert.Equal(t, "old\n", string(got))
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
	require.NoError(t, os.WriteFile(bad, []byte("name: bad\nhorizon: soon\n"), 0o644))
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

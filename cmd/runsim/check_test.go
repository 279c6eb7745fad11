package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
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

	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var doc struct {
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &doc))
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

func lineCol(text, at string) (int, int) {
	k := strings.Index(text, at)
	return strings.Count(text[:k], "\n") + 1, k - strings.LastIndex(text[:k], "\n")
}

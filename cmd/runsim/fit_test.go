package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

const (
	exampleRequests = "../../fit/testdata/example-requests.csv"
	exampleRuns     = "../../fit/testdata/example-runs.json"
	exampleBase     = "../../fit/testdata/probe-base.yaml"
)

func TestFitCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	write(t, bad, "time,status,retry_after\n2025-01-06T00:00:00Z,201,\n")
	// Runs the service never explained: a run at an odd minute, no request.
	odd := filepath.Join(dir, "odd.json")
	write(t, odd, `{"value": [{"id": "x", "startDateTime": "2025-01-06T04:07:30Z", "endDateTime": "2025-01-06T05:00:00Z", "status": "completed"}]}`)
	base := []string{"--requests", exampleRequests, "--runs", exampleRuns, "--base", exampleBase, "--until", "2025-01-07T02:07:00Z"}
	cases := map[string]struct {
		args     []string
		code     int
		stdout   string
		stderr   string
		jsonKeys bool
	}{
		"consistent":     {args: base, code: exitOK, stdout: "consistent, group 1"},
		"json":           {args: append(base, "--format", "json"), code: exitOK, jsonKeys: true},
		"bad request":    {args: []string{"--requests", bad, "--runs", exampleRuns}, code: exitBadInput, stderr: "bad.csv:2: status \"201\""},
		"missing runs":   {args: []string{"--requests", exampleRequests}, code: exitBadInput, stderr: "give both --requests FILE and --runs FILE"},
		"none explains":  {args: []string{"--requests", exampleRequests, "--runs", odd, "--base", exampleBase}, code: exitFailed, stdout: "no reading explains what the service did"},
		"bad until":      {args: append(base[:len(base):len(base)], "--until", "tomorrow"), code: exitBadInput, stderr: "--until \"tomorrow\""},
		"with overrides": {args: append(base[:len(base):len(base)], "--set", "service.throttle.limit=6"), code: exitOK, stdout: "readings tried"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := cli(append([]string{"fit"}, tc.args...), &out, &errb)
			require.Equal(t, tc.code, code, "stderr: %s", errb.String())
			require.Contains(t, out.String(), tc.stdout)
			require.Contains(t, errb.String(), tc.stderr)
			if tc.jsonKeys {
				var v struct {
					Consistent   []map[string]string `json:"consistent"`
					Inconsistent []struct {
						Reading        map[string]string `json:"reading"`
						Contradictions int               `json:"contradictions"`
						First          map[string]any    `json:"first"`
					} `json:"inconsistent"`
				}
				require.NoError(t, json.Unmarshal(out.Bytes(), &v))
				require.NotEmpty(t, v.Consistent)
				require.NotEmpty(t, v.Inconsistent)
				require.Positive(t, v.Inconsistent[0].Contradictions)
				require.Contains(t, v.Inconsistent[0].First, "observed")
			}
		})
	}
}

func TestFitWritesAConsistentScenario(t *testing.T) {
	out := filepath.Join(t.TempDir(), "fitted.yaml")
	var stdout, stderr bytes.Buffer
	code := cli([]string{"fit", "--requests", exampleRequests, "--runs", exampleRuns, "--base", exampleBase,
		"--until", "2025-01-07T02:07:00Z", "--write", out}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	require.Contains(t, stderr.String(), "wrote a scenario with a consistent reading to "+out)
	code = cli([]string{"validate", out}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
}

func TestProbePlanCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := cli([]string{"probe", "plan", "--base", exampleBase, "--budget", "3"}, &stdout, &stderr)
	require.Equal(t, exitOK, code, stderr.String())
	require.Contains(t, stdout.String(), "start requests (budget 3 starts)")
	require.Contains(t, stdout.String(), "groups that answer it differently")

	code = cli([]string{"probe", "run", "--budget", "3"}, &stdout, &stderr)
	require.Equal(t, exitBadInput, code)
	require.Contains(t, stderr.String(), "run needs --base-url")
	code = cli([]string{"probe", "run", "--base-url", "http://127.0.0.1:1/beta", "--token-env", "RUNSIM_NO_SUCH_VARIABLE"}, &stdout, &stderr)
	require.Equal(t, exitBadInput, code)
	require.Contains(t, stderr.String(), "RUNSIM_NO_SUCH_VARIABLE: the variable is not set")
}

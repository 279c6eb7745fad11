package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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

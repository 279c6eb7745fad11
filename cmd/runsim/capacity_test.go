package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCapacityCLI(t *testing.T) {
	scn := writeScenario(t, `name: hourly
start: 2025-01-06T00:00:00Z
horizon: 12h
service: {schedule: {kind: none}, run: {duration: {dist: constant, value: 10m}, outcomes: {completed: 1}}}
clients:
  - {name: tool, arrivals: {at: [0s, 1h, 2h, 3h, 4h, 5h, 6h, 7h, 8h, 9h, 10h, 11h]}}
`)
	code, out, errOut := runsim("capacity", scn, "--param", "service.throttle.limit", "--range", "1:20", "--target", "accepted>=8", "--smallest", "--replications", "2")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "smallest service.throttle.limit = 8 keeps accepted>=8 with 95% confidence (2 replications a value)")
	assert.Contains(t, out, "evidence, in the order tried:")
	code, _, errOut = runsim("capacity", scn, "--param", "service.throttle.limit", "--range", "20:1", "--target", "accepted>=8")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "an empty range 20:1")
	code, _, errOut = runsim("capacity", scn, "--param", "service.throttle.limit", "--range", "1:20", "--target", "happiness>=8")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown metric "happiness"`)
}

// TestCapacityUsage: what capacity needs, one line each.
func TestCapacityUsage(t *testing.T) {
	tests := []refusal{
		{name: "no scenario", args: []string{"capacity"}, want: "runsim capacity: want one scenario file, got 0; see runsim help capacity\n"},
		{name: "no target", args: []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "1:9"},
			want: "runsim capacity: --param, --range and --target are all needed; see runsim help capacity\n"},
		{name: "a range without a colon", args: []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "9", "--target", "throttled<=3"},
			want: "runsim capacity: --range \"9\": want LO:HI\n"},
		{name: "ends in different units", args: []string{"capacity", documented, "--param", "service.throttle.window", "--range", "1h:2d", "--target", "throttled<=3"},
			want: "runsim capacity: --range: both ends need the same unit, got \"h\" and \"d\"\n"},
		{name: "a bad value for the path", args: []string{"capacity", documented, "--param", "service.throttle.limit", "--range", "0:9", "--target", "throttled<=3"},
			want: "runsim capacity: " + documented + ": --set service.throttle.limit=0: service.throttle.limit: must be at least 1, got 0\n"},
	}
	testRefusals(t, tests)
}

// TestCapacityAnswerIsRounded: the search: 13.484375/d held, and
// up to 15.6875/d the intervals straddle 5%, so the answer is 13/d.
func TestCapacityAnswerIsRounded(t *testing.T) {
	args := []string{"capacity", documented, "--param", "clients.admin.arrivals.poisson.rate", "--range", "1/d:48/d",
		"--target", "throttled_fraction<=5%", "--replications", "40"}
	code, out, errOut := runsim(args...)
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "largest clients.admin.arrivals.poisson.rate = 13/d keeps throttled_fraction<=5.0% with 95% confidence (40 replications a value)\n"+
		"  it held at 13.484375/d; between it and 15.6875/d the 95% intervals straddle the bound, so the answer has the digits that supports\n\n"), out)

	code, out, errOut = runsim(append(args, "--format", "json")...)
	require.Equal(t, exitOK, code, errOut)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "13/d", got["found"])
	assert.Equal(t, "13.484375/d", got["held_at"])
	assert.Equal(t, "13.530273438/d", got["failed_at"])
	assert.Equal(t, "15.6875/d", got["clearly_failed_at"])
	assert.Equal(t, true, got["monotone"])
}

// TestCapacityIntegersAreNotRounded: over integers the answer is the
// value that held, even where the intervals straddle the bound.
func TestCapacityIntegersAreNotRounded(t *testing.T) {
	code, out, errOut := runsim("capacity", documented, "--param", "service.throttle.limit", "--range", "1:20", "--target", "throttled_fraction<=1%",
		"--replications", "5", "--smallest")
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "smallest service.throttle.limit = 5 keeps throttled_fraction<=1.0% with 95% confidence (5 replications a value)\n"+
		"  it held at 5; between it and 1 the 95% intervals straddle the bound\n\n"), out)
}

// TestCapacitySaysWhenNotMonotone: searching over the seed, the metric
// jumps about; the answer comes with a note that says so.
func TestCapacitySaysWhenNotMonotone(t *testing.T) {
	args := []string{"capacity", documented, "--param", "seed", "--range", "1:64", "--target", "requests<=55", "--replications", "1"}
	code, out, errOut := runsim(args...)
	require.Equal(t, exitOK, code, errOut)
	assert.True(t, strings.HasPrefix(out, "largest seed = 26 keeps requests<=55 with 95% confidence (1 replication a value)\n"+
		"  it held at 26 and failed at 27\n"+
		"note: the evidence is not monotone: the mean of requests is 45 at 26 but 55 at 1, though the search assumes the metric moves one way with seed; "+
		"the answer may be wrong (more --replications would tell noise from a real turn)\n"), out)

	code, out, errOut = runsim(append(args, "--format", "json")...)
	require.Equal(t, exitOK, code, errOut)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, false, got["monotone"])
	assert.Equal(t, "requests<=55", got["target"], "written as typed, not escaped")
	assert.Contains(t, out, `"target": "requests<=55"`)
}

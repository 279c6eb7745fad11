package scenario

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/sim"
)

const replayScenario = `name: replay
start: 2025-01-06T00:00:00Z
horizon: 1d
clients:
  - name: sis-sync
    arrivals: {replay: {file: %s}}
`

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

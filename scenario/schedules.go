package scenario

import (
	"strings"
	"time"

	"runsim/policy"
)

// schedules are when the service runs by itself, selected by
// service.schedule.kind. A variant that builds no schedule means no
// scheduled runs.
var schedules = serviceFamily("schedule", "service.schedule.kind", []string{"schedule"},
	func(s *Service) *Schedule { return &s.Schedule }, func(s *Schedule) string { return s.Kind },
	row("every", func(s *Schedule, e env) (policy.Schedule, error) {
		anchor := e.start
		if s.Anchor != nil {
			anchor = s.Anchor.Time
		}
		return policy.Every{Period: time.Duration(s.Every), Anchor: anchor}, nil
	}, "every period from an anchor", []opt{
		{"every", "the period", ""}, {"anchor", "an instant of the grid", "start"}, jitterOption},
		"schedule: {kind: every, every: 12h, anchor: 2025-01-06T02:00:00Z, jitter: 5m}").
		checked(func(s *Schedule) error {
			if time.Duration(s.Every) < time.Second {
				return errAt("every", "must be at least 1s, got %s", s.Every)
			}
			return nil
		}),
	row("cron", func(s *Schedule, _ env) (policy.Schedule, error) {
		loc, err := time.LoadLocation(s.Timezone)
		if err != nil {
			return nil, err
		}
		return policy.NewCron(s.Cron, loc)
	}, "a five-field cron expression in a time zone (github.com/robfig/cron/v3)", []opt{
		{"cron", "the expression", ""}, {"timezone", "an IANA time zone", ""}, {"jitter", "as for every", "0s"}},
		`schedule: {kind: cron, cron: "0 2,14 * * *", timezone: Europe/Paris}`).
		checked(func(s *Schedule) error {
			if s.Cron == "" {
				return errAt("cron", "missing: e.g. cron: \"0 2,14 * * *\"")
			}
			loc, err := time.LoadLocation(s.Timezone)
			if err != nil {
				return errAt("timezone", "unknown time zone %q", s.Timezone)
			}
			if _, err := policy.NewCron(s.Cron, loc); err != nil {
				return errAt("cron", "%v", strings.TrimPrefix(err.Error(), "policy: "))
			}
			return nil
		}),
	row("list", func(s *Schedule, e env) (policy.Schedule, error) {
		ts := make([]time.Time, len(s.Times))
		for i, m := range s.Times {
			ts[i] = m.At(e.start)
		}
		return policy.NewList(ts), nil
	}, "explicit instants", []opt{{"times", "moments: RFC 3339 times or offsets from start", ""}, {"jitter", "as for every", "0s"}},
		"schedule: {kind: list, times: [2h, 14h, 2025-01-07T02:00:00Z]}").
		checked(func(s *Schedule) error {
			if len(s.Times) == 0 {
				return errAt("times", "a list schedule needs times")
			}
			return nil
		}),
	row("none", func(*Schedule, env) (policy.Schedule, error) { return nil, nil }, "no scheduled runs", nil, "schedule: {kind: none}"),
)

var jitterOption = opt{"jitter", "each run delayed by a deterministic draw (a hash of seed and nominal time) in [0, jitter), never past the next run", "0s"}

func (s *Schedule) validate() error { return schedules.validate("kind", s) }

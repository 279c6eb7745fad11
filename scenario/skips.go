package scenario

import (
	"time"

	"runsim/policy"
)

// skipRules are the ways an on-demand start affects scheduled runs,
// selected by service.skip.kind. A variant that builds no rule skips
// nothing.
var skipRules = serviceFamily("skip rule", "service.skip.kind", []string{"skip"},
	func(s *Service) *Skip { return &s.Skip }, func(s *Skip) string { return s.Kind },
	row("next-within", func(s *Skip, _ env) (policy.SkipRule, error) {
		runStart, err := froms.parse("from", s.From)
		return policy.NextWithin{Lookahead: time.Duration(s.Lookahead), RunStart: runStart}, err
	}, "the documented rule: the next scheduled run is skipped if it is due within lookahead (inclusive)",
		[]opt{lookaheadOption, {"from", "measured from the accepted request, or from the run's start (run-start)", ""}},
		"skip: {kind: next-within, lookahead: 10h}"),
	row("all-within", func(s *Skip, _ env) (policy.SkipRule, error) {
		runStart, err := froms.parse("from", s.From)
		return policy.AllWithin{Lookahead: time.Duration(s.Lookahead), RunStart: runStart}, err
	}, "every scheduled run due within lookahead is skipped",
		[]opt{lookaheadOption, fromOption}, "skip: {kind: all-within, lookahead: 24h}"),
	row("re-anchor", func(s *Skip, _ env) (policy.SkipRule, error) {
		runStart, err := froms.parse("from", s.From)
		return policy.Reanchor{RunStart: runStart}, err
	}, "the schedule's grid restarts at the on-demand start: the next scheduled run is one period later (needs schedule kind every)",
		[]opt{fromOption}, "skip: {kind: re-anchor}"),
	row("none", func(*Skip, env) (policy.SkipRule, error) { return nil, nil },
		"on-demand starts never skip scheduled runs (Temporal, Airflow, Kubernetes CronJob)", nil, "skip: {kind: none}"),
)

var (
	lookaheadOption = opt{"lookahead", "how far ahead", ""}
	fromOption      = opt{"from", "request or run-start", ""}
	froms           = choices[bool]{{"request", false}, {"run-start", true}} // true: from the run's start
)

func (s *Skip) validate() error {
	if err := skipRules.validate("kind", s); err != nil {
		return err
	}
	_, err := froms.parse("from", s.From)
	return err
}

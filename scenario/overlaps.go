package scenario

import "runsim/policy"

// onDemandOverlaps say what happens to an on-demand start during a run,
// selected by service.overlap.on_demand.
var onDemandOverlaps = serviceFamily("on-demand overlap", "service.overlap.on_demand", []string{"overlap", "on_demand"},
	func(s *Service) *Overlap { return &s.Overlap }, func(o *Overlap) string { return o.OnDemand },
	row("reject", action(policy.Refuse), "409 Conflict", nil, "overlap: {on_demand: reject}"),
	row("buffer-one", action(policy.BufferOne), "202 Accepted, and the run waits until the service is idle; 409 if one already waits", nil,
		"overlap: {on_demand: buffer-one}"),
	row("buffer-all", action(policy.BufferAll), "202 Accepted, and every such run waits, in arrival order", nil,
		"overlap: {on_demand: buffer-all}"),
	row("concurrent", action(policy.Concurrent), "the run starts alongside the ones in progress", nil, "overlap: {on_demand: concurrent}"),
)

// scheduledOverlaps say what happens to a scheduled run due during a run,
// selected by service.overlap.scheduled.
var scheduledOverlaps = serviceFamily("scheduled overlap", "service.overlap.scheduled", []string{"overlap", "scheduled"},
	func(s *Service) *Overlap { return &s.Overlap }, func(o *Overlap) string { return o.Scheduled },
	row("skip", action(policy.Refuse), "skipped, reason run-in-progress", nil, "overlap: {scheduled: skip}"),
	row("buffer-one", action(policy.BufferOne), "waits until idle, in line with buffered on-demand starts; skipped if one already waits", nil,
		"overlap: {scheduled: buffer-one}"),
	row("buffer-all", action(policy.BufferAll), "every such run waits, in line", nil, "overlap: {scheduled: buffer-all}"),
	row("concurrent", action(policy.Concurrent), "starts alongside the ones in progress", nil, "overlap: {scheduled: concurrent}"),
	row("delay-until-idle", action(policy.DelayUntilIdle),
		"waits, and starts first when the service is idle, ahead of buffered on-demand starts; skipped if one already waits", nil,
		"overlap: {scheduled: delay-until-idle}"),
)

// action is the builder of a variant that is one policy.Action.
func action(a policy.Action) func(*Overlap, env) (policy.Action, error) {
	return func(*Overlap, env) (policy.Action, error) { return a, nil }
}

func (o *Overlap) validate() error {
	if err := onDemandOverlaps.validate("on_demand", o); err != nil {
		return err
	}
	return scheduledOverlaps.validate("scheduled", o)
}

func (o Overlap) build() (policy.Overlap, error) {
	onDemand, err := onDemandOverlaps.build(&o, env{})
	if err != nil {
		return policy.Overlap{}, err
	}
	scheduled, err := scheduledOverlaps.build(&o, env{})
	return policy.Overlap{OnDemand: onDemand, Scheduled: scheduled}, err
}

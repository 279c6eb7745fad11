package scenario

import (
	"time"

	"runsim/sim"
)

// retries are what a client does after a refusal, selected by
// clients[].on_throttle.retry and clients[].on_conflict.retry.
var retries = &family[Retry, sim.Retry]{
	name: "retry", field: "clients[].on_throttle.retry, clients[].on_conflict.retry", keys: []string{"retry", "on_throttle", "on_conflict"},
	defaults: func() Retry { return defaultRetry },
	selected: func(r *Retry) string { return r.Retry },
	variants: []variant[Retry, sim.Retry]{
		row("give-up", retry(sim.GiveUp), "abandon the request", nil, "on_throttle: {retry: give-up}"),
		row("after-retry-after", retry(sim.AfterRetryAfter),
			"retry exactly Retry-After later (fractions of a second honoured); without one, back off", []opt{
				maxAttemptsOption, {"delay", "backoff base without a Retry-After", ""}, {"cap", "backoff cap", ""}},
			"on_throttle: {retry: after-retry-after, max_attempts: 3}").checked(checkBackoff),
		row("after-delay", retry(sim.AfterDelay), "retry delay later", []opt{{"delay", "the wait", ""}, maxAttemptsOption},
			"on_conflict: {retry: after-delay, delay: 30m}").checked(checkDelay),
		row("backoff", retry(sim.Backoff), "exponential backoff with full jitter: a uniform wait in [0, min(cap, delay·2^(n-1)))", []opt{
			{"delay", "the base", ""}, {"cap", "the longest wait", ""}, maxAttemptsOption},
			"on_conflict: {retry: backoff, delay: 1m, cap: 1h, max_attempts: 6}").checked(checkBackoff),
		row("kiota", func(*Retry, env) (sim.Retry, error) { return sim.KiotaHTTPGo(), nil },
			"the default client of kiota-http-go (the Graph Go SDK): on 429, Retry-After in whole seconds, at most 3 retries, none at or past 100 s from the first attempt (its client timeout); never retries 409",
			nil, "on_throttle: {retry: kiota}"),
	},
}

// MaxAttempts bounds a client's attempts at one request.
const MaxAttempts = 1000

var maxAttemptsOption = opt{"max_attempts", "attempts in all, the first included", ""}

// defaultRetry gives up; a client that sets a retry makes at most 3
// attempts in all, waiting 15m where it has no Retry-After, backing off up
// to 1h.
var defaultRetry = Retry{Retry: "give-up", Delay: Duration(15 * time.Minute), Cap: Duration(time.Hour), MaxAttempts: 3}

// retry is the builder of a variant that is one sim.RetryKind.
func retry(kind sim.RetryKind) func(*Retry, env) (sim.Retry, error) {
	return func(r *Retry, _ env) (sim.Retry, error) {
		return sim.Retry{Kind: kind, Delay: time.Duration(r.Delay), Cap: time.Duration(r.Cap), MaxAttempts: r.MaxAttempts}, nil
	}
}

func checkDelay(r *Retry) error {
	if r.Delay <= 0 {
		return errAt("delay", "must be positive, got %s", r.Delay)
	}
	return nil
}

func checkBackoff(r *Retry) error {
	if err := checkDelay(r); err != nil {
		return err
	}
	if r.Cap < r.Delay {
		return errAt("cap", "must be at least delay (%s), got %s", r.Delay, r.Cap)
	}
	return nil
}

func (r *Retry) validate() error {
	v, err := retries.lookup("retry", r)
	if err != nil {
		return err
	}
	if r.MaxAttempts < 1 {
		return errAt("max_attempts", "must be at least 1 (the first attempt counts), got %d", r.MaxAttempts)
	}
	if r.MaxAttempts > MaxAttempts {
		return errAt("max_attempts", "must be at most %d, got %d", MaxAttempts, r.MaxAttempts)
	}
	if v.check != nil {
		return v.check(r)
	}
	return nil
}

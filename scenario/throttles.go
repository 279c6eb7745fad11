package scenario

import (
	"time"

	"runsim/policy"
)

// throttles are the start throttles, selected by service.throttle.kind. A
// variant builds the window algorithm; the options every throttle shares
// (counts, reserve, scheduled, retry_after) wrap it in a policy.Throttle. A
// variant that builds no limiter means starts are never throttled.
var throttles = serviceFamily("throttle", "service.throttle.kind", []string{"throttle"},
	func(s *Service) *Throttle { return &s.Throttle }, func(t *Throttle) string { return t.Kind },
	row("sliding", func(t *Throttle, _ env) (policy.Limiter, error) {
		return policy.NewSlidingLog(t.Limit, time.Duration(t.Window))
	}, "sliding log: at most limit starts in any window; a start stops counting exactly one window later",
		throttleOptions, "throttle: {kind: sliding, limit: 5, window: 12h}"),
	row("fixed", func(t *Throttle, e env) (policy.Limiter, error) {
		anchor := e.anchor
		if t.Anchor != nil {
			anchor = t.Anchor.Time
		}
		return policy.NewFixedWindow(t.Limit, time.Duration(t.Window), anchor)
	}, "fixed windows aligned to anchor (default: the schedule's anchor): at most limit starts per window; up to twice the limit across a boundary",
		append(throttleOptions, opt{"anchor", "a boundary of the windows", "the schedule's anchor, else start"}),
		"throttle: {kind: fixed, limit: 5, window: 12h}"),
	row("token-bucket", func(t *Throttle, _ env) (policy.Limiter, error) {
		return policy.NewTokenBucket(t.Limit, time.Duration(t.Window), t.burst())
	}, "golang.org/x/time/rate: a bucket of burst tokens refilled at limit per window; spent tokens never come back",
		bucketOptions, "throttle: {kind: token-bucket, limit: 5, window: 12h, burst: 5}"),
	row("gcra", func(t *Throttle, _ env) (policy.Limiter, error) {
		return policy.NewGCRA(t.Limit, time.Duration(t.Window), t.burst())
	}, "generic cell rate algorithm: one start per window/limit, with burst starts of tolerance",
		bucketOptions, "throttle: {kind: gcra, limit: 5, window: 12h, burst: 5}").
		checked(func(t *Throttle) error {
			if time.Duration(t.Window)/time.Duration(t.Limit) < time.Millisecond {
				return errAt("limit", "gcra needs window/limit of at least 1ms")
			}
			return nil
		}),
	row("none", func(*Throttle, env) (policy.Limiter, error) { return nil, nil },
		"starts are never throttled", nil, "throttle: {kind: none}"),
)

var (
	throttleOptions = []opt{
		{"limit", "starts allowed per window", ""},
		{"window", "the window", ""},
		{"counts", "what takes a slot: successful (runs that complete), accepted (every accepted start), attempts (every attempt, refused ones included)", ""},
		{"reserve", "with counts: successful, a run in progress holds its slot (false: a run takes a slot when it completes)", "false"},
		{"scheduled", "scheduled runs: throttled (counted, and skipped while refused), counted (never refused), not-counted", ""},
		{"retry_after", "exact: refusals carry the exact Retry-After; none: they carry none (clients back off)", ""},
		{"refusal", "how a refused start is answered: 429 (Too Many Requests); accepted-then-failed (202 Accepted, then its operation fails with a TooManyRequests statusDetail; no run, no 429, no Retry-After: the client learns of it by polling, then retries as on_throttle says, else it stops; counted as throttled)", ""},
	}
	bucketOptions = append(throttleOptions[:len(throttleOptions):len(throttleOptions)],
		opt{"burst", "the bucket's size: starts allowed at once", "limit"})

	countings          = named(policy.CountSuccessful, policy.CountAccepted, policy.CountAttempts)
	scheduledCountings = choices[policy.ScheduledCounting]{
		{"throttled", policy.ScheduledThrottled}, {"counted", policy.ScheduledCountedNeverRefused}, {"not-counted", policy.ScheduledNotCounted},
	}
	retryAfters = choices[bool]{{"exact", true}, {"none", false}}
	refusals    = choices[policy.Refusal]{{"429", policy.Refuse429}, {"accepted-then-failed", policy.AcceptThenFail}}
)

// burst is the bucket's size: the limit unless set.
func (t *Throttle) burst() int {
	if t.Burst == 0 {
		return t.Limit
	}
	return t.Burst
}

func (t *Throttle) validate() error {
	v, err := throttles.lookup("kind", t)
	if err != nil {
		return err
	}
	if _, err := t.shared(); err != nil {
		return err
	}
	if t.Limit < 1 {
		return errAt("limit", "must be at least 1, got %d", t.Limit)
	}
	if t.Limit > policy.MaxLimit {
		return errAt("limit", "must be at most %d, got %d", policy.MaxLimit, t.Limit)
	}
	if time.Duration(t.Window) < time.Second {
		return errAt("window", "must be at least 1s, got %s", t.Window)
	}
	if t.Burst < 0 {
		return errAt("burst", "must be at least 1, got %d", t.Burst)
	}
	if t.Burst > policy.MaxLimit {
		return errAt("burst", "must be at most %d, got %d", policy.MaxLimit, t.Burst)
	}
	if v.check != nil {
		return v.check(t)
	}
	return nil
}

// shared reads the options every throttle has (counts, reserve,
// scheduled, retry_after, refusal), in the order they are checked, into a
// throttle without its limiter.
func (t *Throttle) shared() (th policy.Throttle, err error) {
	th.Reserve = t.Reserve
	if th.Counts, err = countings.parse("counts", t.Counts); err != nil {
		return th, err
	}
	if th.Scheduled, err = scheduledCountings.parse("scheduled", t.Scheduled); err != nil {
		return th, err
	}
	if th.RetryAfter, err = retryAfters.parse("retry_after", t.RetryAfter); err != nil {
		return th, err
	}
	th.Refusal, err = refusals.parse("refusal", t.Refusal)
	return th, err
}

// build returns the throttle's constructor, nil when starts are never
// throttled.
func (t Throttle) build(e env) (func() (*policy.Throttle, error), error) {
	shared, err := t.shared()
	if err != nil {
		return nil, err
	}
	l, err := throttles.build(&t, e)
	if err != nil || l == nil {
		return nil, err
	}
	return func() (*policy.Throttle, error) {
		l, err := throttles.build(&t, e)
		if err != nil {
			return nil, err
		}
		th, err := policy.NewThrottle(l, shared.Counts, shared.Reserve, shared.RetryAfter)
		if th != nil {
			th.Scheduled, th.Refusal = shared.Scheduled, shared.Refusal
		}
		return th, err
	}, nil
}

package policy

import (
	"errors"
	"fmt"
	"time"
)

// A SkipRule decides whether an accepted on-demand start makes the service
// skip a system-scheduled run.
type SkipRule interface {
	// Skip reports whether an on-demand start accepted at now skips the
	// scheduled run nominally due at next, the first scheduled run after
	// now.
	Skip(now, next time.Time) bool
	// String describes the rule for reports.
	String() string
}

// NextWithin is the documented rule: "an on-demand run causes the next
// system-scheduled run to be skipped if it is set to run within the next
// 10 hours". The bound is inclusive: a run due exactly Lookahead after the
// request is skipped, one due a millisecond later is not. The zero value
// never skips.
type NextWithin struct {
	Lookahead time.Duration
}

// Validate reports whether the rule can be used.
func (r NextWithin) Validate() error {
	if r.Lookahead < 0 {
		return errors.New("policy: skip lookahead must be >= 0")
	}
	return nil
}

// Skip implements SkipRule.
func (r NextWithin) Skip(now, next time.Time) bool {
	d := next.UnixMilli() - now.UnixMilli()
	return d >= 0 && d <= r.Lookahead.Milliseconds()
}

func (r NextWithin) String() string {
	return fmt.Sprintf("next-within: an accepted on-demand start skips the next scheduled run if it is due within %s (inclusive)", FormatDuration(r.Lookahead))
}

// NoSkip never skips a scheduled run: what Temporal, Airflow and Kubernetes
// CronJob do.
type NoSkip struct{}

// Skip implements SkipRule.
func (NoSkip) Skip(_, _ time.Time) bool { return false }

func (NoSkip) String() string { return "none: on-demand starts never skip a scheduled run" }

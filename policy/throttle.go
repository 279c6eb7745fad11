package policy

import (
	"errors"
	"fmt"
	"time"
)

// A Verdict is a throttle's answer to "may a run start now?".
type Verdict struct {
	// Allow is true when the start may go ahead.
	Allow bool
	// RetryAfter, when Allow is false, is the exact time from now until the
	// throttle would allow a start if nothing else changed (no run fails,
	// no other run starts). Zero means the policy gives no Retry-After.
	RetryAfter time.Duration
}

// A Throttle limits the start of runs. Instants passed to Record and Settle
// must not decrease; Check may be asked about any instant at or after the
// last one recorded and changes nothing, so a caller can ask "and at
// now+RetryAfter?" without side effects. Instants are taken to the
// millisecond.
type Throttle interface {
	// Check reports whether a run may start at now.
	Check(now time.Time) Verdict
	// Record notes that run started at now and takes a slot.
	Record(now time.Time, run uint64)
	// Settle notes that run finished at now; succeeded reports whether it
	// ended in one of the completed statuses.
	Settle(now time.Time, run uint64, succeeded bool)
	// String describes the throttle and its options for reports.
	String() string
}

// Counting says which runs take a slot of a throttle window.
type Counting uint8

const (
	// CountSuccessful counts runs that completed (completed,
	// completedWithErrors, completedWithWarnings). A run in progress
	// reserves its slot; a run that fails gives it back when it finishes.
	CountSuccessful Counting = iota
	// CountStarted counts every run that started, whatever its outcome.
	CountStarted
)

func (c Counting) String() string {
	switch c {
	case CountSuccessful:
		return "successful"
	case CountStarted:
		return "started"
	}
	return fmt.Sprintf("Counting(%d)", uint8(c))
}

// SlidingLog is the literal reading of "up to Limit runs every Window": it
// keeps the start instant of every counted run and allows a start at t only
// while fewer than Limit counted runs started in (t-Window, t]. A run that
// started at s therefore stops counting at exactly s+Window, and the
// Retry-After of a refusal is the time until the oldest run that must expire
// does so. In any half-open span [a, a+Window) at most Limit counted runs
// start (unless runs are recorded without a Check, see the engine's
// scheduled-run option).
//
// Use NewSlidingLog; a SlidingLog is not safe for concurrent use.
type SlidingLog struct {
	Limit  int
	Window time.Duration
	Counts Counting

	log []logEntry // counted starts, ordered by instant
}

type logEntry struct {
	at  int64 // Unix milliseconds
	run uint64
}

// NewSlidingLog returns an empty sliding-log throttle.
func NewSlidingLog(limit int, window time.Duration, counts Counting) (*SlidingLog, error) {
	if limit < 1 {
		return nil, errors.New("policy: throttle limit must be >= 1")
	}
	if window < time.Millisecond {
		return nil, errors.New("policy: throttle window must be >= 1ms")
	}
	if counts > CountStarted {
		return nil, fmt.Errorf("policy: unknown counting %d", counts)
	}
	return &SlidingLog{Limit: limit, Window: window, Counts: counts, log: make([]logEntry, 0, limit+1)}, nil
}

// Check implements Throttle.
func (s *SlidingLog) Check(now time.Time) Verdict {
	t, w := now.UnixMilli(), s.Window.Milliseconds()
	first := 0
	for first < len(s.log) && s.log[first].at+w <= t {
		first++
	}
	counted := len(s.log) - first
	if counted < s.Limit {
		return Verdict{Allow: true}
	}
	// The start that must expire for counted to drop below Limit.
	oldest := s.log[first+counted-s.Limit].at
	return Verdict{RetryAfter: time.Duration(oldest+w-t) * time.Millisecond}
}

// Record implements Throttle.
func (s *SlidingLog) Record(now time.Time, run uint64) {
	t, w := now.UnixMilli(), s.Window.Milliseconds()
	expired := 0
	for expired < len(s.log) && s.log[expired].at+w <= t {
		expired++
	}
	if expired > 0 {
		s.log = s.log[:copy(s.log, s.log[expired:])]
	}
	s.log = append(s.log, logEntry{at: t, run: run})
}

// Settle implements Throttle.
func (s *SlidingLog) Settle(_ time.Time, run uint64, succeeded bool) {
	if succeeded || s.Counts != CountSuccessful {
		return
	}
	for i := range s.log {
		if s.log[i].run == run {
			s.log = append(s.log[:i], s.log[i+1:]...)
			return
		}
	}
}

// Counted returns how many counted runs started in (now-Window, now].
func (s *SlidingLog) Counted(now time.Time) int {
	t, w := now.UnixMilli(), s.Window.Milliseconds()
	n := 0
	for _, e := range s.log {
		if e.at+w > t {
			n++
		}
	}
	return n
}

func (s *SlidingLog) String() string {
	what := "successful runs (a run in progress reserves its slot; a failed run gives it back)"
	if s.Counts == CountStarted {
		what = "started runs, whatever their outcome"
	}
	return fmt.Sprintf("sliding log: at most %d in any %s, counting %s; Retry-After exact", s.Limit, FormatDuration(s.Window), what)
}

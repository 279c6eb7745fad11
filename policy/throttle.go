package policy

import (
	"errors"
	"fmt"
	"time"

	"runsim/internal/enum"
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

// A Limiter is a window algorithm: it admits or refuses a slot at an
// instant. Instants passed to Take and Release must not decrease; Check may
// be asked about any instant at or after the last one taken and changes
// nothing, so a caller can ask "and at now+RetryAfter?" without side
// effects. Instants are taken to the millisecond.
type Limiter interface {
	// Check reports whether a slot is free at now and, if not, when one
	// would be.
	Check(now time.Time) Verdict
	// Take takes a slot at now for id.
	Take(now time.Time, id uint64)
	// Release ends the tracking of id's slot; giveBack returns the slot.
	Release(now time.Time, id uint64, giveBack bool)
	// String describes the algorithm for reports.
	String() string

	// Taken is the capacity in use at t, in the limiter's own meaning:
	// the slots it would hold against a start at t. It is valid at or
	// after the last Take or Release.
	Taken(t time.Time) float64
	// Integral is the exact integral of Taken over [a, b], in
	// slot·seconds, for a at or after the last Take or Release and b at
	// or after a.
	Integral(a, b time.Time) float64
	// NextFall is the first instant after t at which Taken falls by
	// itself (a slot expires, a window ends, a bucket refills to a whole
	// number), if nothing is taken or released before; the zero time when
	// it never does.
	NextFall(t time.Time) time.Time
	// Capacity is the most slots a start allowed by Check leaves in use:
	// the limit or the burst. Zero means there is no capacity (a limiter
	// that never refuses).
	Capacity() int
}

// msArea converts slot·milliseconds to slot·seconds.
func msArea(slotMs float64) float64 { return slotMs / 1000 }

// Counting says which starts take a slot of the throttle.
type Counting uint8

const (
	// CountSuccessful counts runs that complete (completed,
	// completedWithErrors, completedWithWarnings); a run that fails gives
	// its slot back when it finishes.
	CountSuccessful Counting = iota
	// CountAccepted counts every accepted start, whatever its outcome.
	CountAccepted
	// CountAttempts counts every attempt that reaches the service,
	// refused ones included.
	CountAttempts
)

var countingNames = []string{"successful", "accepted", "attempts"}

func (c Counting) String() string { return enum.Name(countingNames, c, "Counting") }

// ParseCounting returns the counting named s.
func ParseCounting(s string) (Counting, bool) {
	return enum.Parse[Counting](countingNames, s)
}

// Throttle applies a Limiter to the starts of runs according to what
// counts. With CountSuccessful and Reserve (the documented default), a run
// in progress holds its slot and gives it back if it fails; without
// Reserve, a run takes its slot only when it completes, stamped with that
// instant. RetryAfter says whether refusals carry the limiter's
// Retry-After. Scheduled says how system-scheduled runs meet the throttle
// (zero value: counted and throttled). A Throttle is not safe for
// concurrent use.
type Throttle struct {
	Limiter    Limiter
	Counts     Counting
	Reserve    bool
	RetryAfter bool
	Scheduled  ScheduledCounting
	// Refusal is how a refused on-demand start is answered (zero value:
	// 429 Too Many Requests).
	Refusal Refusal
}

// Refusal is how the service answers an on-demand start its throttle
// refuses.
type Refusal uint8

const (
	// Refuse429 answers 429 Too Many Requests, with the Retry-After when
	// the throttle gives one.
	Refuse429 Refusal = iota
	// AcceptThenFail answers 202 Accepted with an operation that goes
	// from notStarted to failed with a throttling statusDetail, as some
	// Graph long-running actions do: no run starts, and nothing counts
	// toward the throttle beyond the attempt (under CountAttempts). A
	// client sees no 429 and no Retry-After.
	AcceptThenFail
)

var refusalNames = []string{"429", "accepted-then-failed"}

func (r Refusal) String() string { return enum.Name(refusalNames, r, "Refusal") }

// A Promise is what the reading of a throttle in force guarantees about
// the starts it counts. When Capacity is positive, right after every slot
// the throttle allowed (a Take that followed an allowing Check) the
// limiter's Taken is at most Capacity; as Taken only rises by Take, a
// reading whose every slot is allowed so never holds more. Capacity 0
// means the reading promises nothing, and Reason says why.
type Promise struct {
	Capacity int    // the most slots in use after an allowed one; 0: no promise
	Text     string // the promise in words, when there is one
	Reason   string // why there is none, when Capacity is 0
}

// Holds reports whether the reading promises anything.
func (p Promise) Holds() bool { return p.Capacity > 0 }

// scheduledCountedReason is why a throttle whose scheduled runs count but
// are never refused promises nothing.
const scheduledCountedReason = "scheduled runs count toward the throttle but are never refused (scheduled: counted), " +
	"so they can fill a window past its capacity"

// Promise says what the reading in force promises: the limiter's bound on
// the starts that count, or nothing, with the reason, where the reading
// cannot keep a bound (no capacity; scheduled runs that count but are
// never refused; successful runs counted only when they complete, after
// starts the throttle allowed without them).
func (t *Throttle) Promise() Promise {
	c := t.Limiter.Capacity()
	switch {
	case c == 0:
		return Promise{Reason: "the throttle never refuses (" + t.Limiter.String() + ")"}
	case t.Scheduled == ScheduledCountedNeverRefused:
		return Promise{Reason: scheduledCountedReason}
	case t.Counts == CountSuccessful && !t.Reserve:
		return Promise{Reason: "runs in progress hold no slot (reserve: false), so runs started while others run " +
			"can complete past the capacity"}
	}
	what := "counted starts"
	switch t.Counts {
	case CountAttempts:
		what = "accepted starts (refused attempts take slots too, so the slots in use may exceed it)"
	case CountSuccessful:
		what = "starts of runs that succeed or are still running"
	}
	var bound string
	switch l := t.Limiter.(type) {
	case *SlidingLog:
		bound = fmt.Sprintf("at most %d %s in any %s", l.Limit, what, FormatDuration(l.Window))
	case *FixedWindow:
		bound = fmt.Sprintf("at most %d %s in each %s window aligned to %s", l.Limit, what, FormatDuration(l.Window),
			l.Anchor.UTC().Format(time.RFC3339))
	case *TokenBucket:
		bound = fmt.Sprintf("at most %d + %d·T/%s %s in any span T", l.Burst, l.Limit, FormatDuration(l.Window), what)
	case *GCRA:
		bound = fmt.Sprintf("at most %d + %d·T/%s %s in any span T", l.Burst, l.Limit, FormatDuration(l.Window), what)
	default:
		bound = fmt.Sprintf("at most %d slots in use after each allowed start (%s)", c, t.Limiter)
	}
	if t.Scheduled == ScheduledNotCounted {
		bound += "; scheduled runs do not count"
	}
	return Promise{Capacity: c, Text: bound}
}

// NewThrottle returns a throttle; the documented one is
// NewThrottle(NewSlidingLog(5, 12h), CountSuccessful, true, true).
func NewThrottle(l Limiter, counts Counting, reserve, retryAfter bool) (*Throttle, error) {
	if l == nil {
		return nil, errors.New("policy: throttle needs a limiter")
	}
	if int(counts) >= len(countingNames) {
		return nil, fmt.Errorf("policy: unknown counting %d", counts)
	}
	return &Throttle{Limiter: l, Counts: counts, Reserve: reserve, RetryAfter: retryAfter}, nil
}

// Check reports whether a run may start at now.
func (t *Throttle) Check(now time.Time) Verdict {
	v := t.Limiter.Check(now)
	if !t.RetryAfter {
		v.RetryAfter = 0
	}
	return v
}

// Attempt notes an attempt at now, accepted or not; it takes a slot under
// CountAttempts.
func (t *Throttle) Attempt(now time.Time) {
	if t.Counts == CountAttempts {
		t.Limiter.Take(now, 0)
	}
}

// Started notes that run started (or was accepted to start) at now.
// viaAttempt is true when the start came from an attempt already counted
// by Attempt.
func (t *Throttle) Started(now time.Time, run uint64, viaAttempt bool) {
	switch {
	case t.Counts == CountAttempts && viaAttempt:
	case t.Counts == CountSuccessful && !t.Reserve:
	default:
		t.Limiter.Take(now, run)
	}
}

// Finished notes that run finished at now; succeeded reports whether it
// completed.
func (t *Throttle) Finished(now time.Time, run uint64, succeeded bool) {
	switch {
	case t.Counts == CountSuccessful && !t.Reserve:
		if succeeded {
			t.Limiter.Take(now, run)
			t.Limiter.Release(now, run, false)
		}
	case t.Counts == CountAttempts:
	default:
		t.Limiter.Release(now, run, t.Counts == CountSuccessful && !succeeded)
	}
}

func (t *Throttle) String() string {
	what := map[Counting]string{
		CountSuccessful: "counting successful runs (a run in progress reserves its slot; a failed run gives it back)",
		CountAccepted:   "counting every accepted start, whatever its outcome",
		CountAttempts:   "counting every attempt, refused ones included",
	}[t.Counts]
	if t.Counts == CountSuccessful && !t.Reserve {
		what = "counting successful runs when they complete (runs in progress hold no slot)"
	}
	if r, ok := t.Limiter.(interface{ Refunds() bool }); ok && !r.Refunds() && t.Counts == CountSuccessful && t.Reserve {
		what = "counting successful runs, but a failed run cannot give its slot back"
	}
	ra := "Retry-After exact"
	if !t.RetryAfter {
		ra = "no Retry-After"
	}
	if t.Refusal == AcceptThenFail {
		ra = "refused starts answered 202, their operation failed (no 429)"
	}
	return fmt.Sprintf("%s, %s; %s", t.Limiter, what, ra)
}

// SlidingLog is the literal reading of "up to Limit runs every Window": it
// keeps the instant of every slot taken and allows a slot at t only while
// fewer than Limit were taken in (t-Window, t]. A slot taken at s frees at
// exactly s+Window, and the Retry-After of a refusal is the time until the
// slot that must free does so. In any half-open span [a, a+Window) at most
// Limit slots are taken, as long as every Take follows an allowing Check.
type SlidingLog struct {
	Limit  int
	Window time.Duration

	log []logEntry // slots taken, ordered by instant
}

type logEntry struct {
	at int64 // Unix milliseconds
	id uint64
}

// NewSlidingLog returns an empty sliding log.
func NewSlidingLog(limit int, window time.Duration) (*SlidingLog, error) {
	if err := checkLimitWindow(limit, window); err != nil {
		return nil, err
	}
	return &SlidingLog{Limit: limit, Window: window, log: make([]logEntry, 0, min(limit+1, 1024))}, nil
}

// MaxLimit bounds a limiter's limit and burst: the constructors refuse
// more, as a sliding log and fixed windows hold one entry per slot.
const MaxLimit = 1_000_000

// checkCount checks a count of slots (what: "throttle limit", "GCRA
// burst") is from 1 to MaxLimit.
func checkCount(what string, n int) error {
	if n < 1 {
		return fmt.Errorf("policy: %s must be >= 1", what)
	}
	if n > MaxLimit {
		return fmt.Errorf("policy: %s must be at most %d, got %d", what, MaxLimit, n)
	}
	return nil
}

func checkLimitWindow(limit int, window time.Duration) error {
	if err := checkCount("throttle limit", limit); err != nil {
		return err
	}
	if window < time.Millisecond {
		return errors.New("policy: throttle window must be >= 1ms")
	}
	return nil
}

// checkBurst checks the settings of a limiter with a burst, named what in
// errors.
func checkBurst(what string, limit int, window time.Duration, burst int) error {
	if err := checkLimitWindow(limit, window); err != nil {
		return err
	}
	return checkCount(what+" burst", burst)
}

// Check implements Limiter.
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
	oldest := s.log[first+counted-s.Limit].at // the slot that must free
	return Verdict{RetryAfter: time.Duration(oldest+w-t) * time.Millisecond}
}

// Take implements Limiter.
func (s *SlidingLog) Take(now time.Time, id uint64) {
	t, w := now.UnixMilli(), s.Window.Milliseconds()
	expired := 0
	for expired < len(s.log) && s.log[expired].at+w <= t {
		expired++
	}
	if expired > 0 {
		s.log = s.log[:copy(s.log, s.log[expired:])]
	}
	s.log = append(s.log, logEntry{at: t, id: id})
}

// Release implements Limiter.
func (s *SlidingLog) Release(_ time.Time, id uint64, giveBack bool) {
	if !giveBack {
		return
	}
	for i := range s.log {
		if s.log[i].id == id {
			s.log = append(s.log[:i], s.log[i+1:]...)
			return
		}
	}
}

// Taken implements Limiter: the slots taken in (t-Window, t].
func (s *SlidingLog) Taken(t time.Time) float64 {
	ms, w := t.UnixMilli(), s.Window.Milliseconds()
	n := 0
	for _, e := range s.log {
		if e.at+w > ms {
			n++
		}
	}
	return float64(n)
}

// Integral implements Limiter: each slot counts from its instant for one
// Window.
func (s *SlidingLog) Integral(a, b time.Time) float64 {
	am, bm, w := a.UnixMilli(), b.UnixMilli(), s.Window.Milliseconds()
	var sum int64
	for _, e := range s.log {
		sum += max(0, min(bm, e.at+w)-max(am, e.at))
	}
	return msArea(float64(sum))
}

// NextFall implements Limiter: the next expiry of a slot.
func (s *SlidingLog) NextFall(t time.Time) time.Time {
	ms, w := t.UnixMilli(), s.Window.Milliseconds()
	for _, e := range s.log { // ordered by instant: the first one alive expires first
		if e.at+w > ms {
			return time.UnixMilli(e.at + w).UTC()
		}
	}
	return time.Time{}
}

// Capacity implements Limiter: the limit.
func (s *SlidingLog) Capacity() int { return s.Limit }

func (s *SlidingLog) String() string {
	return fmt.Sprintf("sliding log: at most %d in any %s", s.Limit, FormatDuration(s.Window))
}

// Unlimited never refuses.
type Unlimited struct{}

// Check implements Limiter.
func (Unlimited) Check(time.Time) Verdict { return Verdict{Allow: true} }

// Take implements Limiter.
func (Unlimited) Take(time.Time, uint64) {}

// Release implements Limiter.
func (Unlimited) Release(time.Time, uint64, bool) {}

// Taken implements Limiter: nothing is ever in use.
func (Unlimited) Taken(time.Time) float64 { return 0 }

// Integral implements Limiter.
func (Unlimited) Integral(_, _ time.Time) float64 { return 0 }

// NextFall implements Limiter: never.
func (Unlimited) NextFall(time.Time) time.Time { return time.Time{} }

// Capacity implements Limiter: none.
func (Unlimited) Capacity() int { return 0 }

func (Unlimited) String() string { return "none: starts are never throttled" }

// SlidingThrottle returns the documented throttle shape: a sliding log of
// limit per window, counting successful runs, runs in progress reserving
// their slot, refusals with an exact Retry-After.
func SlidingThrottle(limit int, window time.Duration) (*Throttle, error) {
	l, err := NewSlidingLog(limit, window)
	if err != nil {
		return nil, err
	}
	return NewThrottle(l, CountSuccessful, true, true)
}

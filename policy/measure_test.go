package policy

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A probe asks a limiter, after some steps, what it holds at an instant
// and when that falls by itself.
type probe struct {
	at       time.Duration
	taken    float64
	nextFall time.Duration // -1: never
}

const never = time.Duration(-1)

func fallOffset(t time.Time) time.Duration {
	if t.IsZero() {
		return never
	}
	return t.Sub(t0)
}

func TestTakenAndNextFall(t *testing.T) {
	h := time.Hour
	tests := []struct {
		name     string
		limiter  Limiter
		steps    []step // "start" takes, "fail" gives back, "succeed" keeps (CountSuccessful, reserved)
		capacity int
		probes   []probe
	}{
		{name: "sliding: slots in (t-12h, t], each frees 12h after it was taken", limiter: sliding(2), capacity: 2,
			steps: []step{{op: "start", at: 0, run: 1}, {op: "start", at: h, run: 2}},
			probes: []probe{
				{at: h, taken: 2, nextFall: 12 * h},
				{at: 12*h - time.Millisecond, taken: 2, nextFall: 12 * h},
				{at: 12 * h, taken: 1, nextFall: 13 * h},
				{at: 13 * h, taken: 0, nextFall: never},
			}},
		{name: "sliding: a failed run's slot is given back", limiter: sliding(2), capacity: 2,
			steps:  []step{{op: "start", at: 0, run: 1}, {op: "start", at: h, run: 2}, {op: "fail", at: 2 * h, run: 1}},
			probes: []probe{{at: 2 * h, taken: 1, nextFall: 13 * h}}},
		{name: "fixed: slots of t's window, until it ends at 14:00", limiter: fixed(2), capacity: 2,
			steps: []step{{op: "start", at: 3 * h, run: 1}, {op: "start", at: 4 * h, run: 2}},
			probes: []probe{
				{at: 4 * h, taken: 2, nextFall: 14 * h},
				{at: 14*h - time.Millisecond, taken: 2, nextFall: 14 * h},
				{at: 14 * h, taken: 0, nextFall: never},
			}},
		{name: "fixed: the window before the anchor ends at the anchor", limiter: fixed(2), capacity: 2,
			steps:  []step{{op: "start", at: h, run: 1}},
			probes: []probe{{at: h, taken: 1, nextFall: 2 * h}, {at: 2 * h, taken: 0, nextFall: never}}},
		{name: "token bucket: burst minus tokens, refilled one per 2h24m", limiter: bucket(5), capacity: 5,
			steps: burst5(),
			probes: []probe{
				{at: 0, taken: 5, nextFall: 144 * time.Minute},
				{at: 72 * time.Minute, taken: 4.5, nextFall: 144 * time.Minute},
				{at: 144 * time.Minute, taken: 4, nextFall: 288 * time.Minute},
				{at: 11*h + 60*time.Minute, taken: 0, nextFall: never},
			}},
		{name: "token bucket: in debt, more than the burst", limiter: bucket(1), capacity: 1,
			steps:  []step{{op: "start", at: 0, run: 1}, {op: "start", at: 0, run: 2}},
			probes: []probe{{at: 0, taken: 2, nextFall: 12 * h}, {at: 18 * h, taken: 0.5, nextFall: 24 * h}}},
		{name: "gcra: intervals the arrival time is ahead", limiter: gcra(5), capacity: 5,
			steps: burst5(),
			probes: []probe{
				{at: 0, taken: 5, nextFall: 144 * time.Minute},
				{at: 72 * time.Minute, taken: 4.5, nextFall: 144 * time.Minute},
				{at: 12 * h, taken: 0, nextFall: never},
			}},
		{name: "gcra: a failed run moves the arrival time back an interval", limiter: gcra(1), capacity: 1,
			steps:  []step{{op: "start", at: 0, run: 1}, {op: "fail", at: h, run: 1}},
			probes: []probe{{at: h, taken: 0, nextFall: never}}},
		{name: "none: nothing is ever in use", limiter: Unlimited{}, capacity: 0,
			steps:  hourly(3),
			probes: []probe{{at: 2 * h, taken: 0, nextFall: never}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th, err := NewThrottle(tc.limiter, CountSuccessful, true, true)
			require.NoError(t, err)
			play(t, th, tc.steps)
			assert.Equal(t, tc.capacity, tc.limiter.Capacity())
			for _, p := range tc.probes {
				assert.InDelta(t, p.taken, tc.limiter.Taken(at(p.at)), 1e-9, "Taken at %s", p.at)
				assert.Equal(t, p.nextFall, fallOffset(tc.limiter.NextFall(at(p.at))), "NextFall at %s", p.at)
			}
		})
	}
}

// numerical integrates Taken over [a, b] by the midpoint rule in steps of
// 5s; the limiters' jumps fall on whole minutes here, so only the kink of
// a refilled bucket is off the grid.
func numerical(l Limiter, a, b time.Time) float64 {
	const step = 5 * time.Second
	var sum float64
	for t := a; t.Before(b); t = t.Add(step) {
		w := min(step, b.Sub(t))
		sum += l.Taken(t.Add(w/2)) * w.Seconds()
	}
	return sum
}

// TestIntegralIsExact drives each limiter through takes and releases and,
// between every two changes (and on to well past the last one), compares
// Integral with a fine numerical integration of Taken; it also checks that
// Integral adds up over a split span.
func TestIntegralIsExact(t *testing.T) {
	makers := map[string]func() Limiter{
		"sliding":      func() Limiter { return sliding(3) },
		"fixed":        func() Limiter { return fixed(3) },
		"token bucket": func() Limiter { return bucket(3) },
		"gcra":         func() Limiter { return gcra(3) },
		"none":         func() Limiter { return Unlimited{} },
	}
	for name, newLimiter := range makers {
		t.Run(name, func(t *testing.T) {
			l := newLimiter()
			th, err := NewThrottle(l, CountSuccessful, true, true)
			require.NoError(t, err)
			// Takes at 0, 0, 1h, 3h, 3h (the last forced), a failure at 5h,
			// takes at 13h, 20h; then 40h of nothing.
			changes := []step{
				{op: "start", at: 0, run: 1}, {op: "start", at: 0, run: 2}, {op: "start", at: time.Hour, run: 3},
				{op: "start", at: 3 * time.Hour, run: 4}, {op: "start", at: 3 * time.Hour, run: 5},
				{op: "fail", at: 5 * time.Hour, run: 4}, {op: "start", at: 13 * time.Hour, run: 6},
				{op: "start", at: 20 * time.Hour, run: 7},
			}
			total := 0.0
			for i := range changes {
				play(t, th, changes[i:i+1])
				a, b := at(changes[i].at), at(60*time.Hour)
				if i+1 < len(changes) {
					b = at(changes[i+1].at)
				}
				if !b.After(a) {
					continue
				}
				exact := l.Integral(a, b)
				assert.InDelta(t, numerical(l, a, b), exact, 0.5+1e-6*exact, "over [%s, %s]", a.Sub(t0), b.Sub(t0))
				mid := a.Add(b.Sub(a) / 3).Truncate(time.Millisecond)
				assert.InDelta(t, exact, l.Integral(a, mid)+l.Integral(mid, b), 1e-6, "split at %s", mid)
				total += exact
			}
			if name != "none" {
				assert.Positive(t, total, "the limiter held slots")
			}
		})
	}
}

func TestPromise(t *testing.T) {
	tests := []struct {
		name     string
		throttle Throttle
		capacity int
		text     string // the promise, or the reason there is none
	}{
		{name: "documented: sliding log counting successful runs", throttle: Throttle{Limiter: sliding(5), Counts: CountSuccessful, Reserve: true},
			capacity: 5, text: "at most 5 starts of runs that succeed or are still running in any 12h"},
		{name: "sliding, counting accepted starts", throttle: Throttle{Limiter: sliding(1), Counts: CountAccepted, Reserve: true},
			capacity: 1, text: "at most 1 counted starts in any 12h"},
		{name: "attempts: the bound is on accepted starts", throttle: Throttle{Limiter: sliding(2), Counts: CountAttempts},
			capacity: 2, text: "at most 2 accepted starts (refused attempts take slots too, so the slots in use may exceed it) in any 12h"},
		{name: "fixed windows", throttle: Throttle{Limiter: fixed(5), Counts: CountAccepted},
			capacity: 5, text: "at most 5 counted starts in each 12h window aligned to 2025-01-06T02:00:00Z"},
		{name: "token bucket", throttle: Throttle{Limiter: bucket(5), Counts: CountAccepted},
			capacity: 5, text: "at most 5 + 5·T/12h counted starts in any span T"},
		{name: "gcra, scheduled runs not counted", throttle: Throttle{Limiter: gcra(5), Counts: CountAccepted, Scheduled: ScheduledNotCounted},
			capacity: 5, text: "at most 5 + 5·T/12h counted starts in any span T; scheduled runs do not count"},
		{name: "none promises nothing", throttle: Throttle{Limiter: Unlimited{}},
			text: "the throttle never refuses (none: starts are never throttled)"},
		{name: "scheduled runs counted but never refused", throttle: Throttle{Limiter: sliding(1), Counts: CountAccepted, Scheduled: ScheduledCountedNeverRefused},
			text: scheduledCountedReason},
		{name: "successful runs counted when they complete", throttle: Throttle{Limiter: sliding(5), Counts: CountSuccessful},
			text: "runs in progress hold no slot (reserve: false), so runs started while others run can complete past the capacity"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.throttle.Promise()
			assert.Equal(t, tc.capacity, p.Capacity)
			assert.Equal(t, tc.capacity > 0, p.Holds())
			if p.Holds() {
				assert.Equal(t, tc.text, p.Text)
				assert.Empty(t, p.Reason)
			} else {
				assert.Equal(t, tc.text, p.Reason)
				assert.Empty(t, p.Text)
			}
		})
	}
}

// TestTakenBoundAfterAllowedTakes: for every limiter, a start that Check
// allows leaves at most Capacity in use, and Taken never rises by itself
// (NextFall only ever announces falls).
func TestTakenBoundAfterAllowedTakes(t *testing.T) {
	for name, l := range map[string]Limiter{"sliding": sliding(3), "fixed": fixed(3), "token bucket": bucket(3), "gcra": gcra(3)} {
		t.Run(name, func(t *testing.T) {
			now := t0
			allowed := 0
			for i := range 400 {
				now = now.Add(time.Duration(17+i%5*13) * time.Minute)
				before := l.Taken(now)
				if f := l.NextFall(now); !f.IsZero() {
					require.True(t, f.After(now), "NextFall must be after t")
					require.Less(t, l.Taken(f), before+1e-9, "Taken falls at %s", f)
				}
				if !l.Check(now).Allow {
					continue
				}
				allowed++
				l.Take(now, uint64(i+1))
				require.LessOrEqual(t, l.Taken(now), float64(l.Capacity())+1e-9, fmt.Sprintf("after the take at %s", now))
			}
			require.Greater(t, allowed, 50)
		})
	}
}

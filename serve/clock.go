package serve

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// ClockKind is how the emulator's virtual time moves; its value is its
// name, as --clock takes it.
type ClockKind string

const (
	// Manual time moves only when told (Advance, AdvanceTo).
	Manual ClockKind = "manual"
	// Scaled time moves Speed times as fast as the wall clock, from the
	// scenario's start.
	Scaled ClockKind = "scaled"
	// System time is time.Now: wall time in production, and the fake
	// clock of a testing/synctest bubble in tests.
	System ClockKind = "system"
)

func (k ClockKind) String() string { return string(k) }

// ParseClockKind returns the clock kind named s.
func ParseClockKind(s string) (ClockKind, error) {
	switch k := ClockKind(s); k {
	case Manual, Scaled, System:
		return k, nil
	}
	return "", fmt.Errorf("serve: unknown clock %q (want manual, scaled or system)", s)
}

// Clock is the emulator's virtual clock, to the millisecond. Whatever its
// kind, it can be moved forward by hand; it never goes back. It is safe for
// concurrent use.
type Clock struct {
	mu     sync.Mutex
	kind   ClockKind
	origin time.Time // virtual instant at wall0 (Manual, Scaled)
	wall0  time.Time // wall reading, with its monotonic part, when set
	speed  float64
	offset time.Duration // moved by hand
	last   time.Time     // the latest instant read, so that Now never decreases
}

// NewClock returns a clock of the kind: Manual and Scaled start at start,
// System reads time.Now. speed is for Scaled (virtual seconds per wall
// second, > 0).
func NewClock(kind ClockKind, start time.Time, speed float64) (*Clock, error) {
	if _, err := ParseClockKind(string(kind)); err != nil {
		return nil, err
	}
	if kind == Scaled && !(speed > 0) {
		return nil, errors.New("serve: a scaled clock needs a speed > 0")
	}
	c := &Clock{kind: kind, speed: speed}
	c.reset(start)
	return c, nil
}

func (c *Clock) reset(start time.Time) {
	c.wall0 = time.Now()
	c.origin = start.UTC().Truncate(time.Millisecond)
	if c.kind == System {
		c.origin = c.wall0.UTC().Truncate(time.Millisecond)
	}
	c.offset = 0
	c.last = time.Time{}
}

// Kind is the clock's kind.
func (c *Clock) Kind() ClockKind { return c.kind }

// Now returns the virtual instant, to the millisecond.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now()
}

func (c *Clock) now() time.Time {
	t := c.origin.Add(c.offset)
	switch c.kind {
	case Scaled:
		t = t.Add(time.Duration(float64(time.Since(c.wall0)) * c.speed))
	case System:
		t = t.Add(time.Since(c.wall0))
	}
	t = t.Truncate(time.Millisecond)
	if t.Before(c.last) {
		t = c.last
	}
	c.last = t
	return t
}

// Advance moves the clock d forward and returns the new instant.
func (c *Clock) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, errors.New("serve: the clock cannot go back")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
	return c.now(), nil
}

// AdvanceTo moves the clock forward to t and returns the new instant; t
// before now is an error.
func (c *Clock) AdvanceTo(t time.Time) (time.Time, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if t.Before(now) {
		return time.Time{}, fmt.Errorf("serve: the clock cannot go back from %s to %s", now.Format(time.RFC3339Nano), t.UTC().Format(time.RFC3339Nano))
	}
	c.offset += t.Sub(now)
	return c.now(), nil
}

package policy

import (
	"errors"
	"fmt"
	"time"
)

// A Schedule says when the service starts a run by itself.
type Schedule interface {
	// Next returns the first nominal instant of the schedule that is at or
	// after t.
	Next(t time.Time) time.Time
	// String describes the schedule for reports.
	String() string
}

// Every is a fixed schedule: one run every Period, on the grid
// Anchor + k·Period for every integer k (the anchor may lie before or after
// the instants asked about). The documented schedule is Every{Period: 12h}.
// The zero value is not valid; see Validate.
type Every struct {
	Period time.Duration
	Anchor time.Time
}

// Validate reports whether the schedule can be used.
func (e Every) Validate() error {
	if e.Period < time.Millisecond {
		return errors.New("policy: schedule period must be at least 1ms")
	}
	return nil
}

// Next returns the first grid instant at or after t. Arithmetic is done in
// whole milliseconds so that grids spanning centuries do not overflow
// time.Duration.
func (e Every) Next(t time.Time) time.Time {
	p := e.Period.Milliseconds()
	a := e.Anchor.UnixMilli()
	d := t.UnixMilli() - a
	k := d / p // truncation toward zero: a ceiling for d <= 0
	if d > 0 && d%p != 0 {
		k++
	}
	return time.UnixMilli(a + k*p).UTC()
}

func (e Every) String() string {
	return fmt.Sprintf("every %s from %s", FormatDuration(e.Period), e.Anchor.UTC().Format(time.RFC3339))
}

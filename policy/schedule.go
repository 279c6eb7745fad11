package policy

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/robfig/cron/v3"
)

// A Schedule says when the service starts a run by itself.
type Schedule interface {
	// Next returns the first nominal instant of the schedule at or after
	// t, or the zero time when there is none.
	Next(t time.Time) time.Time
	// String describes the schedule for reports.
	String() string
}

// A Reanchorer is a schedule whose grid can be moved to a new instant.
type Reanchorer interface {
	Schedule
	// Reanchor returns the schedule with its grid through t.
	Reanchor(t time.Time) Schedule
}

// Every is a fixed schedule: one run every Period, on the grid
// Anchor + k·Period for every integer k (the anchor may lie before or after
// the instants asked about). The documented schedule is Every{Period: 12h}.
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

// Reanchor implements Reanchorer.
func (e Every) Reanchor(t time.Time) Schedule { return Every{Period: e.Period, Anchor: t} }

func (e Every) String() string {
	return fmt.Sprintf("every %s from %s", FormatDuration(e.Period), e.Anchor.UTC().Format(time.RFC3339))
}

// Cron is a cron expression (five fields, as in crontab) evaluated in a
// time zone, through github.com/robfig/cron/v3.
type Cron struct {
	Expr     string
	Location *time.Location
	sched    cron.Schedule
}

// NewCron parses a five-field cron expression in loc.
func NewCron(expr string, loc *time.Location) (*Cron, error) {
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return nil, fmt.Errorf("policy: cron %q: %w", expr, err)
	}
	return &Cron{Expr: expr, Location: loc, sched: s}, nil
}

// Next implements Schedule.
func (c *Cron) Next(t time.Time) time.Time {
	n := c.sched.Next(t.In(c.Location).Add(-time.Millisecond))
	if n.IsZero() {
		return n
	}
	return n.UTC()
}

func (c *Cron) String() string { return fmt.Sprintf("cron %q in %s", c.Expr, c.Location) }

// List is a schedule of explicit instants.
type List []time.Time

// NewList sorts a copy of the instants.
func NewList(ts []time.Time) List {
	l := slices.Clone(ts)
	slices.SortFunc(l, time.Time.Compare)
	return List(l)
}

// Next implements Schedule.
func (l List) Next(t time.Time) time.Time {
	i, _ := slices.BinarySearchFunc(l, t, time.Time.Compare)
	if i == len(l) {
		return time.Time{}
	}
	return l[i]
}

func (l List) String() string { return fmt.Sprintf("a list of %d instants", len(l)) }

// Jitter delays each nominal instant of a schedule by a deterministic
// amount in [0, Max): a hash of Seed and the nominal instant, never reaching
// the next nominal instant. The same seed always gives the same delays.
type Jitter struct {
	Max  time.Duration
	Seed uint64
}

// Delay returns the delay of the run nominally due at nominal, whose
// successor is due at next (zero: none).
func (j Jitter) Delay(nominal, next time.Time) time.Duration {
	limit := j.Max.Milliseconds()
	if !next.IsZero() {
		limit = min(limit, next.UnixMilli()-nominal.UnixMilli())
	}
	if limit <= 0 {
		return 0
	}
	h := mix(j.Seed ^ mix(uint64(nominal.UnixMilli())))
	return time.Duration(h%uint64(limit)) * time.Millisecond
}

func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

package scenario

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"runsim/policy"
)

const (
	msPerDay  = 24 * 3600 * 1000
	msPerYear = 365 * msPerDay
	// MaxHorizon is the longest horizon a scenario may ask for: 200 years,
	// so that every span of a run, the horizon itself included, holds in a
	// time.Duration (which ends at 292 years) with room for the durations
	// that reach past the end (runs in progress, retries waiting).
	MaxHorizon = 200 * msPerYear
	// maxDuration bounds every other duration (time.Duration ends at 292y).
	maxDuration = 100 * msPerYear
)

var units = []struct {
	name string
	ms   float64
}{ // longest names first, so "ms" is not read as "m"
	{"ms", 1}, {"s", 1000}, {"m", 60_000}, {"h", 3_600_000}, {"d", msPerDay}, {"w", 7 * msPerDay}, {"y", msPerYear},
}

var errDurationSyntax = errors.New("want a number and a unit (ms, s, m, h, d, w, y), e.g. 90m, 12h, 14d or 1h30m")

// parseMillis reads a duration such as "12h", "14d", "1h30m", "1.5h" or "0"
// into whole milliseconds.
func parseMillis(s string) (int64, error) {
	if s == "0" {
		return 0, nil
	}
	if strings.HasPrefix(s, "-") {
		return 0, errors.New("must not be negative")
	}
	if s == "" {
		return 0, errDurationSyntax
	}
	var total float64
	for s != "" {
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 {
			return 0, errDurationSyntax
		}
		n, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return 0, errDurationSyntax
		}
		s = s[i:]
		j := 0
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		unit := -1.0
		for _, u := range units {
			if s[:j] == u.name {
				unit = u.ms
			}
		}
		if unit < 0 {
			return 0, errDurationSyntax
		}
		total += n * unit
		s = s[j:]
	}
	if total > 10*MaxHorizon { // far past every limit, and far from overflowing
		return 0, errors.New("too long")
	}
	return int64(math.Round(total)), nil
}

func nodeIsString(n *node) bool { return n.tag == "!!str" || n.tag == "!!int" }

// durationMillis reads a scalar written as a duration, in milliseconds.
func durationMillis(n *node) (int64, error) {
	if !nodeIsString(n) {
		return 0, fmt.Errorf("bad duration %q: %w", n.value, errDurationSyntax)
	}
	ms, err := parseMillis(n.value)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: %w", n.value, err)
	}
	return ms, nil
}

// Duration is a non-negative duration of at most 100 years, written with
// units from ms to y: "90m", "12h", "14d", "1h30m".
type Duration time.Duration

func (d *Duration) decodeScalar(n *node) error {
	ms, err := durationMillis(n)
	if err != nil {
		return err
	}
	if ms > maxDuration {
		return fmt.Errorf("duration %q is longer than 100y", n.value)
	}
	*d = Duration(time.Duration(ms) * time.Millisecond)
	return nil
}

func (d Duration) String() string { return policy.FormatDuration(time.Duration(d)) }

// Horizon is how long a scenario runs: a duration of at most 200 years
// (MaxHorizon).
type Horizon int64 // milliseconds

func (h *Horizon) decodeScalar(n *node) error {
	ms, err := durationMillis(n)
	if err != nil {
		return err
	}
	if ms > MaxHorizon {
		return fmt.Errorf("horizon %q is longer than the limit of %s", n.value, Horizon(MaxHorizon))
	}
	*h = Horizon(ms)
	return nil
}

func (h Horizon) String() string {
	if h%msPerYear == 0 && h >= msPerYear {
		return strconv.FormatInt(int64(h)/msPerYear, 10) + "y"
	}
	if h <= maxDuration {
		return policy.FormatDuration(time.Duration(h) * time.Millisecond)
	}
	return strconv.FormatInt(int64(h)/msPerDay, 10) + "d"
}

// MinYear and MaxYear bound every instant of a scenario file (start,
// anchors, times): from 1900-01-01T00:00:00Z to the end of 9000. The bound
// keeps instants away from the zero time.Time, which schedules and
// limiters use to say "none", and keeps start plus the longest horizon
// within what RFC 3339 writes (years up to 9999).
const (
	MinYear = 1900
	MaxYear = 9000
)

// instantIn reads an RFC 3339 time within the years MinYear to MaxYear.
func instantIn(s string) (time.Time, error) {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad time %q: want RFC 3339, e.g. 2025-01-06T02:00:00Z", s)
	}
	v = v.UTC()
	if v.Year() < MinYear || v.Year() > MaxYear {
		return time.Time{}, fmt.Errorf("time %q is out of range: instants lie in the years %d to %d", s, MinYear, MaxYear)
	}
	return v.Truncate(time.Millisecond), nil
}

// Instant is an RFC 3339 time, e.g. 2025-01-06T02:00:00Z, taken to the
// millisecond, in the years MinYear to MaxYear.
type Instant struct{ time.Time }

func (t *Instant) decodeScalar(n *node) error {
	v, err := instantIn(n.value)
	if err != nil {
		return err
	}
	t.Time = v
	return nil
}

// Moment is either an RFC 3339 instant or an offset from the scenario start
// written as a duration, e.g. 5h or +5h.
type Moment struct {
	Offset   time.Duration
	Absolute time.Time // set when the moment is an instant
}

func (m *Moment) decodeScalar(n *node) error {
	if _, err := time.Parse(time.RFC3339Nano, n.value); err == nil {
		v, err := instantIn(n.value)
		if err != nil {
			return err
		}
		m.Absolute = v
		return nil
	}
	var d Duration
	offset := *n
	offset.value = strings.TrimPrefix(n.value, "+")
	if err := d.decodeScalar(&offset); err != nil {
		return fmt.Errorf("bad time %q: want an RFC 3339 time (2025-01-06T05:00:00Z) or an offset from start (5h)", n.value)
	}
	m.Offset = time.Duration(d)
	return nil
}

// At resolves the moment against the scenario start.
func (m Moment) At(start time.Time) time.Time {
	if !m.Absolute.IsZero() {
		return m.Absolute
	}
	return start.Add(m.Offset)
}

// Rate is a number of events per unit of time: "0.5/h", "3/d", "2/30m".
type Rate float64 // per hour

var errRateSyntax = errors.New("want NUMBER/UNIT, e.g. 0.5/h, 3/d or 2/30m")

func (r *Rate) decodeScalar(n *node) error {
	num, per, ok := strings.Cut(n.value, "/")
	if !ok {
		return fmt.Errorf("bad rate %q: %w", n.value, errRateSyntax)
	}
	x, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("bad rate %q: %w", n.value, errRateSyntax)
	}
	if per != "" && per[0] >= 'a' && per[0] <= 'z' {
		per = "1" + per
	}
	ms, err := parseMillis(per)
	if err != nil || ms == 0 {
		return fmt.Errorf("bad rate %q: %w", n.value, errRateSyntax)
	}
	if x <= 0 {
		return fmt.Errorf("rate %q must be positive", n.value)
	}
	perHour := x / (float64(ms) / 3_600_000)
	if perHour > 1e7 {
		return fmt.Errorf("rate %q is above the limit of 10000000/h", n.value)
	}
	*r = Rate(perHour)
	return nil
}

func (r Rate) String() string { return strconv.FormatFloat(float64(r), 'g', -1, 64) + "/h" }

// ParseDuration reads a duration as scenario files write them (90m, 12h,
// 14d, 1h30m), up to 100 years.
func ParseDuration(s string) (time.Duration, error) {
	ms, err := parseMillis(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q: %w", s, err)
	}
	if ms > maxDuration {
		return 0, fmt.Errorf("duration %q is longer than 100y", s)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

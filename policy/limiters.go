package policy

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"golang.org/x/time/rate"
)

// FixedWindow allows Limit slots in each window [Anchor + k·Window,
// Anchor + (k+1)·Window): counts start again at every window boundary, so
// up to 2·Limit slots can fall within one Window across a boundary. The
// Retry-After of a refusal is the time to the next boundary (or to the
// moment a slot given back would make room: it only tracks the current
// window).
type FixedWindow struct {
	Limit  int
	Window time.Duration
	Anchor time.Time

	current int64    // index of the window the slots below belong to
	ids     []uint64 // slots taken in the current window
}

// NewFixedWindow returns fixed windows aligned to anchor.
func NewFixedWindow(limit int, window time.Duration, anchor time.Time) (*FixedWindow, error) {
	if err := checkLimitWindow(limit, window); err != nil {
		return nil, err
	}
	return &FixedWindow{Limit: limit, Window: window, Anchor: anchor, current: math.MinInt64}, nil
}

func (f *FixedWindow) index(t time.Time) int64 {
	d, w := t.UnixMilli()-f.Anchor.UnixMilli(), f.Window.Milliseconds()
	k := d / w
	if d < 0 && d%w != 0 {
		k--
	}
	return k
}

// Check implements Limiter.
func (f *FixedWindow) Check(now time.Time) Verdict {
	k := f.index(now)
	if k != f.current || len(f.ids) < f.Limit {
		return Verdict{Allow: true}
	}
	return Verdict{RetryAfter: time.Duration(f.end(k)-now.UnixMilli()) * time.Millisecond}
}

// Take implements Limiter.
func (f *FixedWindow) Take(now time.Time, id uint64) {
	if k := f.index(now); k != f.current {
		f.current, f.ids = k, f.ids[:0]
	}
	f.ids = append(f.ids, id)
}

// Release implements Limiter: a slot given back counts again only while
// its window is the current one.
func (f *FixedWindow) Release(now time.Time, id uint64, giveBack bool) {
	if !giveBack || f.index(now) != f.current {
		return
	}
	if i := slices.Index(f.ids, id); i >= 0 {
		f.ids = slices.Delete(f.ids, i, i+1)
	}
}

// end is the end of window k, in Unix milliseconds.
func (f *FixedWindow) end(k int64) int64 { return f.Anchor.UnixMilli() + (k+1)*f.Window.Milliseconds() }

// Taken implements Limiter: the slots taken in t's window.
func (f *FixedWindow) Taken(t time.Time) float64 {
	if f.index(t) != f.current {
		return 0
	}
	return float64(len(f.ids))
}

// Integral implements Limiter: the slots of the current window count until
// it ends.
func (f *FixedWindow) Integral(a, b time.Time) float64 {
	if len(f.ids) == 0 || f.index(a) != f.current {
		return 0
	}
	span := min(b.UnixMilli(), f.end(f.current)) - a.UnixMilli()
	return msArea(float64(int64(len(f.ids)) * max(0, span)))
}

// NextFall implements Limiter: the end of the current window, while it
// holds slots.
func (f *FixedWindow) NextFall(t time.Time) time.Time {
	if len(f.ids) == 0 || f.index(t) != f.current {
		return time.Time{}
	}
	return time.UnixMilli(f.end(f.current)).UTC()
}

// Capacity implements Limiter: the limit.
func (f *FixedWindow) Capacity() int { return f.Limit }

func (f *FixedWindow) String() string {
	return fmt.Sprintf("fixed windows: at most %d in each %s window from %s", f.Limit, FormatDuration(f.Window), f.Anchor.UTC().Format(time.RFC3339))
}

// TokenBucket is golang.org/x/time/rate's limiter driven with virtual
// instants: a bucket of Burst tokens, refilled at Limit per Window. It
// starts full, so it admits Burst at once and then one every Window/Limit:
// in any span T at most Burst + Limit·T/Window, which for Burst = Limit is
// up to twice the limit in one Window. The Retry-After of a refusal is the
// time until a whole token is back, to the millisecond. A token spent on a
// run that later fails does not come back: x/time/rate can only cancel a
// reservation that has not acted yet (Reservation.CancelAt), and a run's
// token acted when it started.
type TokenBucket struct {
	Limit  int
	Window time.Duration
	Burst  int

	lim   *rate.Limiter
	every float64 // ms per token
}

// NewTokenBucket returns a full bucket.
func NewTokenBucket(limit int, window time.Duration, burst int) (*TokenBucket, error) {
	if err := checkBurst("token bucket", limit, window, burst); err != nil {
		return nil, err
	}
	every := window / time.Duration(limit)
	return &TokenBucket{
		Limit: limit, Window: window, Burst: burst,
		lim:   rate.NewLimiter(rate.Every(every), burst),
		every: float64(window.Milliseconds()) / float64(limit),
	}, nil
}

func (b *TokenBucket) allowed(t time.Time) bool { return b.lim.TokensAt(t) >= 1-1e-9 }

// Check implements Limiter. The Retry-After is the first whole millisecond
// at which Check allows, found from the refill rate and then stepped to, so
// that floating-point rounding cannot put it a millisecond off.
func (b *TokenBucket) Check(now time.Time) Verdict {
	if b.allowed(now) {
		return Verdict{Allow: true}
	}
	ms := max(int64((1-b.lim.TokensAt(now))*b.every)-2, 1)
	for !b.allowed(now.Add(time.Duration(ms) * time.Millisecond)) {
		ms++
	}
	return Verdict{RetryAfter: time.Duration(ms) * time.Millisecond}
}

// Take implements Limiter: it spends a token, going into debt (a
// reservation) when there is none, as a start that is never refused does.
func (b *TokenBucket) Take(now time.Time, _ uint64) {
	if !b.lim.AllowN(now, 1) {
		b.lim.ReserveN(now, 1)
	}
}

// Release implements Limiter; nothing comes back (see TokenBucket).
func (b *TokenBucket) Release(time.Time, uint64, bool) {}

// Refunds reports that a spent token cannot be given back.
func (b *TokenBucket) Refunds() bool { return false }

// Taken implements Limiter: the tokens missing from a full bucket, more
// than Burst while the bucket is in debt. Values within 1e-9 of a whole
// number are that number (the tolerance Check allows with).
func (b *TokenBucket) Taken(t time.Time) float64 {
	x := float64(b.Burst) - b.lim.TokensAt(t)
	if r := math.Round(x); math.Abs(x-r) < 1e-9 {
		x = r
	}
	return max(x, 0) // never -0
}

// Integral implements Limiter: Taken falls linearly, at Limit per Window,
// until the bucket is full.
func (b *TokenBucket) Integral(a, c time.Time) float64 {
	d := b.Taken(a)
	span := float64(c.UnixMilli() - a.UnixMilli())
	empty := d * b.every // ms until the bucket is full
	if span >= empty {
		return msArea(d * empty / 2)
	}
	return msArea(span * (d - span/b.every/2))
}

// NextFall implements Limiter: the first whole millisecond after t at which
// Taken has fallen to the whole number below it.
func (b *TokenBucket) NextFall(t time.Time) time.Time {
	d := b.Taken(t)
	if d <= 0 {
		return time.Time{}
	}
	target := math.Ceil(d-1e-9) - 1
	ms := max(int64(math.Ceil((d-target)*b.every-1e-6)), 1)
	return t.Add(time.Duration(ms) * time.Millisecond)
}

// Capacity implements Limiter: the burst.
func (b *TokenBucket) Capacity() int { return b.Burst }

func (b *TokenBucket) String() string {
	return fmt.Sprintf("token bucket (x/time/rate): %d per %s, burst %d; spent tokens never come back", b.Limit, FormatDuration(b.Window), b.Burst)
}

// GCRA is the generic cell rate algorithm: each slot moves a theoretical
// arrival time (TAT) on by the emission interval Window/Limit, and a slot is
// allowed at t while TAT - t is at most (Burst-1) intervals. It bounds starts
// as a token bucket of the same rate and burst does, with integer
// millisecond arithmetic, and its Retry-After is exact. A slot given back
// moves TAT back one interval.
type GCRA struct {
	Limit  int
	Window time.Duration
	Burst  int

	interval, tolerance int64 // ms
	tat                 int64 // Unix ms; 0: nothing taken yet
	live                map[uint64]bool
}

// NewGCRA returns a GCRA with nothing taken.
func NewGCRA(limit int, window time.Duration, burst int) (*GCRA, error) {
	if err := checkBurst("GCRA", limit, window, burst); err != nil {
		return nil, err
	}
	interval := window.Milliseconds() / int64(limit)
	if interval < 1 {
		return nil, errors.New("policy: GCRA needs window/limit >= 1ms")
	}
	return &GCRA{Limit: limit, Window: window, Burst: burst, interval: interval,
		tolerance: int64(burst-1) * interval, live: map[uint64]bool{}}, nil
}

// Check implements Limiter.
func (g *GCRA) Check(now time.Time) Verdict {
	t := now.UnixMilli()
	if g.tat == 0 || g.tat-t <= g.tolerance {
		return Verdict{Allow: true}
	}
	return Verdict{RetryAfter: time.Duration(g.tat-g.tolerance-t) * time.Millisecond}
}

// Take implements Limiter.
func (g *GCRA) Take(now time.Time, id uint64) {
	g.tat = max(g.tat, now.UnixMilli()) + g.interval
	if id != 0 {
		g.live[id] = true
	}
}

// Release implements Limiter.
func (g *GCRA) Release(now time.Time, id uint64, giveBack bool) {
	if !g.live[id] {
		return
	}
	delete(g.live, id)
	if giveBack {
		g.tat = max(g.tat-g.interval, now.UnixMilli())
	}
}

// Taken implements Limiter: how many intervals the theoretical arrival
// time is ahead of t, not below 0.
func (g *GCRA) Taken(t time.Time) float64 {
	return float64(max(0, g.tat-t.UnixMilli())) / float64(g.interval)
}

// Integral implements Limiter: Taken falls linearly to 0 at TAT.
func (g *GCRA) Integral(a, b time.Time) float64 {
	ua := float64(max(0, g.tat-a.UnixMilli()))
	ub := float64(max(0, g.tat-b.UnixMilli()))
	return msArea((ua*ua - ub*ub) / (2 * float64(g.interval)))
}

// NextFall implements Limiter: the next instant after t at which TAT is a
// whole number of intervals ahead.
func (g *GCRA) NextFall(t time.Time) time.Time {
	d := g.tat - t.UnixMilli()
	if d <= 0 {
		return time.Time{}
	}
	return time.UnixMilli(g.tat - (d-1)/g.interval*g.interval).UTC()
}

// Capacity implements Limiter: the burst.
func (g *GCRA) Capacity() int { return g.Burst }

func (g *GCRA) String() string {
	return fmt.Sprintf("GCRA: %d per %s (one every %s), burst %d", g.Limit, FormatDuration(g.Window),
		FormatDuration(time.Duration(g.interval)*time.Millisecond), g.Burst)
}

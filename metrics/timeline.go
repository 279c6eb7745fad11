package metrics

import (
	"slices"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// Timeline is an Observer that keeps, for one replication, what the charts
// of a report draw, in memory bounded whatever the horizon:
//
//   - runs as spans and refused requests and skipped scheduled runs as
//     marks, for the first DetailSpan only, and at most MaxDetail of them
//     (the span the timeline chart shows; the full detail of a long run is
//     in its trace);
//   - the freshness sawtooth, the throttle's occupancy and cumulative
//     counts as Series: at most MaxBuckets buckets of one width
//     (BucketWidth of the horizon), each with the minimum, the
//     time-weighted mean and the maximum over it.
//
// The occupancy series and the limit drawn against it come from the
// engine's SlotsChanged events: the slots in use as the throttle's own
// limiter counts them, and its capacity.
type Timeline struct {
	Start, End time.Time
	// Limit is the throttle's capacity (its limit or burst), drawn
	// against occupancy; 0 when there is no throttle to measure.
	Limit int
	// Width is the width of the series' buckets.
	Width time.Duration

	// Runs and Marks are those that start before DetailEnd.
	Runs      []RunSpan
	Marks     []Mark
	DetailEnd time.Time

	freshness, occupancy *tracker
	counts               [][]int // per cumulative kind, events in each bucket
	totals               []int   // per cumulative kind
	lastSuccess          time.Time
	open                 map[uint64]int // run → index in Runs
	occ                  occupancy
}

// DetailSpan is how much of the horizon, from its start, a Timeline keeps
// run by run and refusal by refusal.
const DetailSpan = 14 * 24 * time.Hour

// MaxDetail bounds the runs and marks a Timeline keeps: when a busy run
// reaches it, DetailEnd is brought forward to the whole hour (from the
// start) before the instant it was reached.
const MaxDetail = 2000

// MaxBuckets bounds the buckets of a Timeline's series.
const MaxBuckets = 2500

// bucketWidths are the widths a series may take, narrowest first.
var bucketWidths = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}

// BucketWidth is the narrowest of 1 minute, 5 minutes, 15 minutes, an
// hour, a day and a week that cuts a horizon into at most MaxBuckets
// buckets (a week beyond 47 years).
func BucketWidth(horizon time.Duration) time.Duration {
	for _, w := range bucketWidths {
		if horizon <= time.Duration(MaxBuckets)*w {
			return w
		}
	}
	return bucketWidths[len(bucketWidths)-1]
}

// A RunSpan is one run from its start to its end (End is the horizon while
// it runs on).
type RunSpan struct {
	Run        uint64
	Start, End time.Time
	Trigger    policy.Trigger
	Status     sim.RunStatus
	Finished   bool
}

// A Mark is a refused request or a skipped scheduled run.
type Mark struct {
	At     time.Time
	Kind   string // throttled, conflict, skipped
	Detail string
}

// A Bucket is a series over [At, At+Width): its least and greatest value
// and its time-weighted mean.
type Bucket struct {
	At             time.Time
	Min, Mean, Max float64
}

// A Series is a quantity over the horizon in buckets of one width; the
// last may be shorter, ending at the horizon.
type Series struct {
	Width   time.Duration
	Buckets []Bucket
}

// CumulativeKinds are the names of the events counted over time, in the
// order charts draw them.
var CumulativeKinds = []string{"requests", "accepted", "throttled", "conflicts", "runs finished", "scheduled skipped"}

// cumulativeIndex is the index in CumulativeKinds of the events counted
// over time, plus one.
var cumulativeIndex = func() []int {
	kinds := []sim.Kind{sim.RequestArrived, sim.Accepted, sim.Throttled, sim.Conflict, sim.RunFinished, sim.ScheduledSkipped}
	top := slices.Max(kinds)
	out := make([]int, int(top)+1)
	for i, k := range kinds {
		out[k] = i + 1
	}
	return out
}()

func kindIndex(name string) int { return slices.Index(CumulativeKinds, name) }

// NewTimeline returns a recorder for a replication over [start, end).
func NewTimeline(start, end time.Time) *Timeline {
	w := BucketWidth(end.Sub(start))
	t := &Timeline{
		Start: start, End: end, Width: w, DetailEnd: earliest(end, start.Add(DetailSpan)),
		open: map[uint64]int{}, counts: make([][]int, len(CumulativeKinds)), totals: make([]int, len(CumulativeKinds)),
		freshness: newTracker(start, end, w, 1), occupancy: newTracker(start, end, w, 0),
		lastSuccess: start,
	}
	for i := range t.counts {
		t.counts[i] = make([]int, buckets(start, end, w))
	}
	return t
}

// buckets returns the number of buckets of width w over [start, end).
func buckets(start, end time.Time, w time.Duration) int {
	return max(int((end.Sub(start)+w-1)/w), 1)
}

// bucket is the index of the bucket holding at.
func (t *Timeline) bucket(at time.Time) int {
	i := int(at.Sub(t.Start) / t.Width)
	return min(max(i, 0), len(t.counts[0])-1)
}

// Observe implements sim.Observer.
func (t *Timeline) Observe(e *sim.Event) {
	if t.occ.take(e) {
		t.Limit = t.occ.capacity
		t.occupancy.set(e.At, e.Slots, e.Area)
		return
	}
	if int(e.Kind) < len(cumulativeIndex) {
		if k := cumulativeIndex[e.Kind] - 1; k >= 0 {
			t.totals[k]++
			t.counts[k][t.bucket(e.At)]++
		}
	}
	detail := e.At.Before(t.DetailEnd)
	if detail && len(t.Runs)+len(t.Marks) >= MaxDetail {
		switch e.Kind {
		case sim.RunStarted, sim.Throttled, sim.Conflict, sim.ScheduledSkipped:
			t.cutDetail(e.At)
			detail = false
		}
	}
	switch e.Kind {
	case sim.RunStarted:
		if detail {
			t.open[e.Run] = len(t.Runs)
			t.Runs = append(t.Runs, RunSpan{Run: e.Run, Start: e.At, End: t.End, Trigger: e.Trigger, Status: sim.Running})
		}
	case sim.RunFinished:
		if i, ok := t.open[e.Run]; ok {
			t.Runs[i].End, t.Runs[i].Status, t.Runs[i].Finished = e.At, e.RunStatus, true
			delete(t.open, e.Run)
		}
		if e.RunStatus.Succeeded() {
			// The age climbs to its peak, then drops to 0.
			t.freshness.set(e.At, e.At.Sub(t.lastSuccess).Seconds(), -1)
			t.freshness.set(e.At, 0, -1)
			t.lastSuccess = e.At
		}
	case sim.Throttled:
		if detail {
			t.Marks = append(t.Marks, Mark{At: e.At, Kind: "throttled", Detail: e.Client})
		}
	case sim.Conflict:
		if detail {
			t.Marks = append(t.Marks, Mark{At: e.At, Kind: "conflict", Detail: e.Client})
		}
	case sim.ScheduledSkipped:
		if detail {
			t.Marks = append(t.Marks, Mark{At: e.At, Kind: "skipped", Detail: e.Reason.String()})
		}
	}
}

// cutDetail ends the detail before at: at the last whole hour from the
// start, or at at itself within the first hour.
func (t *Timeline) cutDetail(at time.Time) {
	end := t.Start.Add(at.Sub(t.Start).Truncate(time.Hour))
	if !end.After(t.Start) {
		end = at
	}
	t.DetailEnd = end
	runs := t.Runs[:0]
	clear(t.open)
	for _, r := range t.Runs {
		if r.Start.Before(end) {
			if !r.Finished {
				t.open[r.Run] = len(runs)
			}
			runs = append(runs, r)
		}
	}
	t.Runs = runs
	t.Marks = slices.DeleteFunc(t.Marks, func(m Mark) bool { return !m.At.Before(end) })
}

// OccupancyMax is the most slots the throttle held in use.
func (t *Timeline) OccupancyMax() float64 { return t.occ.max }

// Freshness is the age of the data in seconds, bucketed: it rises from 0
// at the start at one second per second and drops to 0 when a successful
// run finishes. Each bucket's maximum is the highest peak in it.
func (t *Timeline) Freshness() Series { return t.freshness.series() }

// Occupancy is the throttle's slots in use, bucketed: each bucket's
// minimum and maximum are of the readings in it (and the reading it
// starts with), and its mean is the slot·seconds the engine measured over
// it divided by its length.
func (t *Timeline) Occupancy() Series { return t.occupancy.series() }

// Cumulative is the count of events of a kind (one of CumulativeKinds)
// from the start to the end of each bucket.
func (t *Timeline) Cumulative(kind string) []int {
	counts := t.counts[kindIndex(kind)]
	out := make([]int, len(counts))
	n := 0
	for i, c := range counts {
		n += c
		out[i] = n
	}
	return out
}

// Total is the number of events of a kind (one of CumulativeKinds) over
// the horizon.
func (t *Timeline) Total(kind string) int { return t.totals[kindIndex(kind)] }

// Buckets is the number of buckets of the series.
func (t *Timeline) Buckets() int { return len(t.counts[0]) }

// BucketStart is the instant bucket i starts.
func (t *Timeline) BucketStart(i int) time.Time { return t.Start.Add(time.Duration(i) * t.Width) }

// BucketEnd is the instant bucket i ends: the next one's start, or the
// horizon.
func (t *Timeline) BucketEnd(i int) time.Time { return earliest(t.End, t.BucketStart(i+1)) }

// tracker buckets a piecewise-linear quantity as it streams by: between
// readings it changes at slope per second (1 for an age, 0 for a step).
type tracker struct {
	start, end time.Time
	width      time.Duration
	slope      float64
	at         time.Time // of the latest reading
	value      float64   // at at
	sum        []float64 // value·seconds in each bucket
	lo, hi     []float64
	seen       []bool
}

func newTracker(start, end time.Time, w time.Duration, slope float64) *tracker {
	n := buckets(start, end, w)
	return &tracker{start: start, end: end, width: w, slope: slope, at: start,
		sum: make([]float64, n), lo: make([]float64, n), hi: make([]float64, n), seen: make([]bool, n)}
}

func (k *tracker) index(at time.Time) int {
	return min(max(int(at.Sub(k.start)/k.width), 0), len(k.sum)-1)
}

func (k *tracker) note(i int, v float64) {
	if !k.seen[i] {
		k.lo[i], k.hi[i], k.seen[i] = v, v, true
		return
	}
	k.lo[i], k.hi[i] = min(k.lo[i], v), max(k.hi[i], v)
}

// advance carries the quantity from k.at to to; area, when not negative,
// is its integral over the span as measured (spread evenly over the
// buckets it crosses), else the integral follows the slope.
func (k *tracker) advance(to time.Time, area float64) {
	if to.After(k.end) {
		to = k.end
	}
	span := to.Sub(k.at).Seconds()
	for k.at.Before(to) {
		i := k.index(k.at)
		stop := earliest(to, k.start.Add(time.Duration(i+1)*k.width))
		if i == len(k.sum)-1 {
			stop = to
		}
		dt := stop.Sub(k.at).Seconds()
		v0, v1 := k.value, k.value+k.slope*dt
		if area >= 0 && span > 0 {
			k.sum[i] += area * dt / span
		} else {
			k.sum[i] += (v0 + v1) / 2 * dt
		}
		k.note(i, v0)
		k.note(i, v1)
		k.at, k.value = stop, v1
	}
}

// set takes a reading: the quantity is v from at on. area is the integral
// since the previous reading when measured, else negative.
func (k *tracker) set(at time.Time, v, area float64) {
	k.advance(at, area)
	k.value = v
	if at.Before(k.end) {
		k.note(k.index(at), v)
	}
}

// series is the quantity carried to the end, bucketed; the tracker is left
// as it was.
func (k *tracker) series() Series {
	c := *k
	c.sum, c.lo, c.hi, c.seen = append([]float64(nil), k.sum...), append([]float64(nil), k.lo...), append([]float64(nil), k.hi...), append([]bool(nil), k.seen...)
	c.advance(k.end, -1)
	out := Series{Width: k.width, Buckets: make([]Bucket, len(c.sum))}
	for i := range c.sum {
		from := k.start.Add(time.Duration(i) * k.width)
		length := earliest(k.end, from.Add(k.width)).Sub(from).Seconds()
		b := Bucket{At: from, Min: c.lo[i], Max: c.hi[i]}
		if length > 0 {
			b.Mean = c.sum[i] / length
		}
		out.Buckets[i] = b
	}
	return out
}

func earliest(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

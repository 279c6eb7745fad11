package sim

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/policy"
)

// t0 is the instant every test hangs off: Monday 2025-01-06 00:00 UTC.
var t0 = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

func at(d time.Duration) time.Time { return t0.Add(d) }

func hm(h, m int) time.Duration { return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute }

// recorder keeps a copy of every event: trace events in events,
// measurement events in slots.
type recorder struct{ events, slots []Event }

func (r *recorder) Observe(e *Event) {
	if e.Kind.Measurement() {
		r.slots = append(r.slots, *e)
		return
	}
	r.events = append(r.events, *e)
}

func (r *recorder) of(k Kind) []Event {
	var out []Event
	for _, e := range r.events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// briefs renders the recorded events of the given kinds with brief.
func briefs(rec *recorder, kinds ...Kind) []string {
	var out []string
	for _, e := range rec.events {
		for _, k := range kinds {
			if e.Kind == k {
				out = append(out, brief(e))
			}
		}
	}
	return out
}

// slotLines renders the recorded measurement events with slotLine.
func slotLines(rec *recorder) []string {
	var out []string
	for _, e := range rec.slots {
		out = append(out, slotLine(e))
	}
	return out
}

// slotLine renders a SlotsChanged event for hand-worked tables: offset,
// change, slots and area rounded to the millislot.
func slotLine(e Event) string {
	r := func(x float64) float64 { return math.Round(x*1000) / 1000 }
	return fmt.Sprintf("%s %s slots=%g area=%g", policy.FormatDuration(e.At.Sub(t0)), e.Change, r(e.Slots), r(e.Area))
}

// brief renders an event compactly, with instants as offsets from t0, for
// hand-worked timelines.
func brief(e Event) string {
	off := func(t time.Time) string { return policy.FormatDuration(t.Sub(t0)) }
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", off(e.At), e.Kind)
	switch e.Kind {
	case RequestArrived, Accepted, Conflict, GaveUp:
		fmt.Fprintf(&b, " %s r%d a%d", e.Client, e.Request, e.Attempt)
	case Throttled:
		fmt.Fprintf(&b, " %s r%d a%d retry-after=%s", e.Client, e.Request, e.Attempt, policy.FormatDuration(e.RetryAfter))
	case RetryScheduled:
		fmt.Fprintf(&b, " %s r%d a%d at %s", e.Client, e.Request, e.Attempt, off(e.Next))
	case RunStarted:
		fmt.Fprintf(&b, " run%d %s", e.Run, e.Trigger)
	case RunFinished:
		fmt.Fprintf(&b, " run%d %s %s", e.Run, e.Trigger, e.RunStatus)
	case ScheduledDue:
		fmt.Fprintf(&b, " %s", off(e.Nominal))
	case ScheduledSkipped:
		fmt.Fprintf(&b, " %s %s", off(e.Nominal), e.Reason)
		switch e.Reason {
		case SkipOnDemand:
			fmt.Fprintf(&b, " cause=%s", off(e.Cause))
		case SkipThrottled:
			fmt.Fprintf(&b, " retry-after=%s", policy.FormatDuration(e.RetryAfter))
		}
	case OperationChanged:
		fmt.Fprintf(&b, " %s", e.OpStatus)
	}
	return b.String()
}

// documented returns the documented policies over [t0, t0+horizon) with
// the schedule anchored at 02:00.
func documented(horizon time.Duration) Config {
	return Config{
		Start:    t0,
		End:      t0.Add(horizon),
		Seed:     1,
		Schedule: policy.Every{Period: 12 * time.Hour, Anchor: at(2 * time.Hour)},
		NewThrottle: func() (*policy.Throttle, error) {
			return policy.SlidingThrottle(5, 12*time.Hour)
		},
		Skip: policy.NextWithin{Lookahead: 10 * time.Hour},
		Runs: &Scripted{{Duration: time.Hour, Status: Completed}},
	}
}

// onDemand is the documented policies over [t0, t0+horizon) without the
// schedule: admin asks at the given offsets, and every run takes d and
// completes.
func onDemand(horizon, d time.Duration, arrivals ...time.Duration) Config {
	c := documented(horizon)
	c.Schedule = nil
	c.Runs = &Scripted{{Duration: d, Status: Completed}}
	c.Clients = []Client{admin(arrivals...)}
	return c
}

// admin is a client that asks at the given offsets from t0 and gives up on
// refusal.
func admin(times ...time.Duration) Client {
	ts := make(At, len(times))
	for i, d := range times {
		ts[i] = at(d)
	}
	return Client{Name: "admin", Arrivals: ts}
}

// sliding is the documented throttle with another limit: a sliding log of
// n successful runs per 12h.
func sliding(n int) func() (*policy.Throttle, error) {
	return func() (*policy.Throttle, error) { return policy.SlidingThrottle(n, 12*time.Hour) }
}

// throttleOf is a throttle over the limiter that make builds, counting
// counts, scheduled runs counted as scheduled says.
func throttleOf(make func() (policy.Limiter, error), counts policy.Counting, scheduled policy.ScheduledCounting) func() (*policy.Throttle, error) {
	return func() (*policy.Throttle, error) {
		l, err := make()
		if err != nil {
			return nil, err
		}
		th, err := policy.NewThrottle(l, counts, true, true)
		if err != nil {
			return nil, err
		}
		th.Scheduled = scheduled
		return th, nil
	}
}

func run(t *testing.T, cfg Config) *recorder {
	t.Helper()
	rec := &recorder{}
	_, err := Run(cfg, rec)
	require.NoError(t, err)
	return rec
}

// traced is what a trace writer in format writes of the events that
// drive gives it.
func traced(t *testing.T, format TraceFormat, drive func(o Observer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := NewTraceWriter(&buf, format)
	drive(tw)
	require.NoError(t, tw.Flush())
	return buf.Bytes()
}

// traceOf writes the trace of cfg in a format.
func traceOf(t *testing.T, cfg Config, format TraceFormat) []byte {
	t.Helper()
	return traced(t, format, func(o Observer) {
		_, err := Run(cfg, o)
		require.NoError(t, err)
	})
}

func TestEnumNames(t *testing.T) {
	for _, k := range Kinds() {
		got, ok := ParseKind(k.String())
		require.True(t, ok, k.String())
		require.Equal(t, k, got)
	}
	_, ok := ParseKind("no-such-kind")
	require.False(t, ok)
	for s := Running; s <= Failed; s++ {
		got, ok := ParseRunStatus(s.String())
		require.True(t, ok)
		require.Equal(t, s, got)
	}
	require.Equal(t, "Kind(200)", Kind(200).String())
	require.Equal(t, "succeeded", OpSucceeded.String())
	require.Equal(t, "run-in-progress", SkipRunInProgress.String())
	require.Equal(t, "", NotSkipped.String())
	require.Equal(t, "SkipReason(9)", SkipReason(9).String())
}

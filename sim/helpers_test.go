package sim

import (
	"fmt"
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

func run(t *testing.T, cfg Config) *recorder {
	t.Helper()
	rec := &recorder{}
	_, err := Run(cfg, rec)
	require.NoError(t, err)
	return rec
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

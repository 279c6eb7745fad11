package sim

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"runsim/policy"
)

// TestTimelines are hand-worked: each case states its whole event list.
func TestTimelines(t *testing.T) {
	// askingAt is the documented rules over 15h with admin asking at ask,
	// after the first scheduled run.
	askingAt := func(ask time.Duration) func() Config {
		return func() Config {
			c := documented(15 * time.Hour)
			c.Clients = []Client{admin(ask)}
			return c
		}
	}
	firstRun := []string{"2h scheduled-due 2h", "2h run-started run1 scheduled", "3h run-finished run1 scheduled completed"}
	tests := []struct {
		name   string
		config func() Config
		want   []string
	}{
		{
			name: "the schedule alone runs every 12h from its anchor",
			config: func() Config {
				return documented(26 * time.Hour) // 02:00 and 14:00; 26h is past the end
			},
			want: []string{
				"2h scheduled-due 2h", "2h run-started run1 scheduled",
				"3h run-finished run1 scheduled completed",
				"14h scheduled-due 14h", "14h run-started run2 scheduled",
				"15h run-finished run2 scheduled completed",
			},
		},
		{
			name:   "an on-demand run exactly 10h before the scheduled run skips it",
			config: askingAt(4 * time.Hour),
			want: slices.Concat(firstRun, accepted("4h", 1, 1, 2), completed("5h", 2),
				[]string{"14h scheduled-due 14h", "14h scheduled-skipped 14h on-demand cause=4h"}),
		},
		{
			name:   "an on-demand run 10h and a second before the scheduled run leaves it alone",
			config: askingAt(4*time.Hour - time.Second),
			want: slices.Concat(firstRun, accepted("3h59m59s", 1, 1, 2), completed("4h59m59s", 2),
				[]string{"14h scheduled-due 14h", "14h run-started run3 scheduled"}),
		},
		{
			name: "a failed run gives its slot back",
			config: func() Config {
				c := onDemand(4*time.Hour, 30*time.Minute, hm(0, 30), hm(1, 30), hm(2, 30), hm(3, 30))
				c.NewThrottle = sliding(2)
				c.Runs = &Scripted{{Duration: 30 * time.Minute, Status: Failed}, {Duration: 30 * time.Minute, Status: Completed}}
				return c
			},
			want: slices.Concat(
				accepted("30m", 1, 1, 1), []string{"1h run-finished run1 onDemand failed", "1h operation-changed failed"},
				accepted("1h30m", 2, 1, 2), completed("2h", 2),
				// run 1 failed, so only run 2 counts: a third start is allowed.
				accepted("2h30m", 3, 1, 3), completed("3h", 3),
				// runs 2 and 3 fill the window; run 2's slot frees at 13h30.
				[]string{"3h30m request-arrived admin r4 a1", "3h30m throttled admin r4 a1 retry-after=10h", "3h30m gave-up admin r4 a1"},
			),
		},
		{
			name: "a start during a running run gets 409, and the retry after the run is accepted",
			config: func() Config {
				c := onDemand(4*time.Hour, 2*time.Hour, 0, time.Hour)
				c.Clients[0].OnConflict = Retry{Kind: AfterDelay, Delay: 90 * time.Minute, MaxAttempts: 2}
				return c
			},
			want: slices.Concat(
				accepted("0s", 1, 1, 1),
				[]string{"1h request-arrived admin r2 a1", "1h conflict admin r2 a1", "1h retry-scheduled admin r2 a2 at 2h30m"},
				completed("2h", 1),
				accepted("2h30m", 2, 2, 2), // run 2 finishes at 4h30m, past the end: not reported
			),
		},
		{
			name: "the sixth start is throttled and its retry at exactly Retry-After is accepted",
			config: func() Config {
				c := onDemand(13*time.Hour, 10*time.Minute, 0, time.Hour, 2*time.Hour, 3*time.Hour, 4*time.Hour, 5*time.Hour)
				c.Clients[0].OnThrottle = Retry{Kind: AfterRetryAfter, Delay: time.Hour, MaxAttempts: 3}
				return c
			},
			want: slices.Concat(acceptedRuns(0, 5, 10*time.Minute),
				[]string{"5h request-arrived admin r6 a1", "5h throttled admin r6 a1 retry-after=7h", "5h retry-scheduled admin r6 a2 at 12h"},
				accepted("12h", 6, 2, 6), completed("12h10m", 6),
			),
		},
		{
			name: "a scheduled run due during a run is skipped",
			config: func() Config {
				c := documented(3 * time.Hour)
				c.Skip = nil
				c.Clients = []Client{admin(hm(1, 30))}
				return c
			},
			want: slices.Concat(
				accepted("1h30m", 1, 1, 1),
				[]string{"2h scheduled-due 2h", "2h scheduled-skipped 2h run-in-progress"},
				completed("2h30m", 1),
			),
		},
		{
			name: "a scheduled run due while the window is full is skipped with the throttle's Retry-After",
			config: func() Config {
				c := documented(3 * time.Hour)
				c.Skip = nil
				c.NewThrottle = sliding(1)
				c.Runs = &Scripted{{Duration: 10 * time.Minute, Status: Completed}}
				c.Clients = []Client{admin(hm(0, 30))}
				return c
			},
			want: slices.Concat(
				accepted("30m", 1, 1, 1), completed("40m", 1),
				[]string{"2h scheduled-due 2h", "2h scheduled-skipped 2h throttled retry-after=10h30m"},
			),
		},
		{
			name: "a client gives up after its last attempt",
			config: func() Config {
				c := onDemand(3*time.Hour, 3*time.Hour, 0, hm(0, 10))
				c.Clients[0].OnConflict = Retry{Kind: AfterDelay, Delay: 30 * time.Minute, MaxAttempts: 2}
				return c
			},
			want: append(accepted("0s", 1, 1, 1),
				"10m request-arrived admin r2 a1", "10m conflict admin r2 a1", "10m retry-scheduled admin r2 a2 at 40m",
				"40m request-arrived admin r2 a2", "40m conflict admin r2 a2", "40m gave-up admin r2 a2",
			),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := run(t, tc.config())
			got := make([]string, len(rec.events))
			for i, e := range rec.events {
				got[i] = brief(e)
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// acceptedRuns is the event list of n on-demand requests from admin, one an
// hour from first, each accepted and completing after d.
func acceptedRuns(first time.Duration, n int, d time.Duration) []string {
	var out []string
	for i := range n {
		s := first + time.Duration(i)*time.Hour
		out = slices.Concat(out, accepted(policy.FormatDuration(s), i+1, 1, i+1), completed(policy.FormatDuration(s+d), i+1))
	}
	return out
}

// accepted is the events of admin's request r, attempt a, accepted at s:
// its operation, and on-demand run n starting at once.
func accepted(s string, r, a, n int) []string {
	req := " admin r" + itoa(r) + " a" + itoa(a)
	return []string{
		s + " request-arrived" + req, s + " accepted" + req, s + " operation-changed notStarted",
		s + " run-started run" + itoa(n) + " onDemand", s + " operation-changed running",
	}
}

// completed is the events of on-demand run n completing at s, and its
// operation succeeding.
func completed(s string, n int) []string {
	return []string{s + " run-finished run" + itoa(n) + " onDemand completed", s + " operation-changed succeeded"}
}

package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"runsim/policy"
)

// TestTimelines are hand-worked: each case states its whole event list.
func TestTimelines(t *testing.T) {
	admin := func(times ...time.Duration) Client {
		ts := make(At, len(times))
		for i, d := range times {
			ts[i] = at(d)
		}
		return Client{Name: "admin", Arrivals: ts}
	}
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
			name: "an on-demand run exactly 10h before the scheduled run skips it",
			config: func() Config {
				c := documented(15 * time.Hour)
				c.Clients = []Client{admin(4 * time.Hour)}
				return c
			},
			want: []string{
				"2h scheduled-due 2h", "2h run-started run1 scheduled",
				"3h run-finished run1 scheduled completed",
				"4h request-arrived admin r1 a1", "4h accepted admin r1 a1", "4h operation-changed notStarted",
				"4h run-started run2 onDemand", "4h operation-changed running",
				"5h run-finished run2 onDemand completed", "5h operation-changed succeeded",
				"14h scheduled-due 14h", "14h scheduled-skipped 14h on-demand cause=4h",
			},
		},
		{
			name: "an on-demand run 10h and a second before the scheduled run leaves it alone",
			config: func() Config {
				c := documented(15 * time.Hour)
				c.Clients = []Client{admin(4*time.Hour - time.Second)}
				return c
			},
			want: []string{
				"2h scheduled-due 2h", "2h run-started run1 scheduled",
				"3h run-finished run1 scheduled completed",
				"3h59m59s request-arrived admin r1 a1", "3h59m59s accepted admin r1 a1", "3h59m59s operation-changed notStarted",
				"3h59m59s run-started run2 onDemand", "3h59m59s operation-changed running",
				"4h59m59s run-finished run2 onDemand completed", "4h59m59s operation-changed succeeded",
				"14h scheduled-due 14h", "14h run-started run3 scheduled",
			},
		},
		{
			name: "a failed run gives its slot back",
			config: func() Config {
				c := documented(4 * time.Hour)
				c.Schedule = nil
				c.NewThrottle = func() (*policy.Throttle, error) {
					return policy.SlidingThrottle(2, 12*time.Hour)
				}
				c.Runs = &Scripted{{Duration: 30 * time.Minute, Status: Failed}, {Duration: 30 * time.Minute, Status: Completed}}
				c.Clients = []Client{admin(hm(0, 30), hm(1, 30), hm(2, 30), hm(3, 30))}
				return c
			},
			want: []string{
				"30m request-arrived admin r1 a1", "30m accepted admin r1 a1", "30m operation-changed notStarted",
				"30m run-started run1 onDemand", "30m operation-changed running",
				"1h run-finished run1 onDemand failed", "1h operation-changed failed",
				"1h30m request-arrived admin r2 a1", "1h30m accepted admin r2 a1", "1h30m operation-changed notStarted",
				"1h30m run-started run2 onDemand", "1h30m operation-changed running",
				"2h run-finished run2 onDemand completed", "2h operation-changed succeeded",
				// run 1 failed, so only run 2 counts: a third start is allowed.
				"2h30m request-arrived admin r3 a1", "2h30m accepted admin r3 a1", "2h30m operation-changed notStarted",
				"2h30m run-started run3 onDemand", "2h30m operation-changed running",
				"3h run-finished run3 onDemand completed", "3h operation-changed succeeded",
				// runs 2 and 3 fill the window; run 2's slot frees at 13h30.
				"3h30m request-arrived admin r4 a1", "3h30m throttled admin r4 a1 retry-after=10h", "3h30m gave-up admin r4 a1",
			},
		},
		{
			name: "a start during a running run gets 409, and the retry after the run is accepted",
			config: func() Config {
				c := documented(4 * time.Hour)
				c.Schedule = nil
				c.Runs = &Scripted{{Duration: 2 * time.Hour, Status: Completed}}
				c.Clients = []Client{admin(0, time.Hour)}
				c.Clients[0].OnConflict = Retry{Kind: AfterDelay, Delay: 90 * time.Minute, MaxAttempts: 2}
				return c
			},
			want: []string{
				"0s request-arrived admin r1 a1", "0s accepted admin r1 a1", "0s operation-changed notStarted",
				"0s run-started run1 onDemand", "0s operation-changed running",
				"1h request-arrived admin r2 a1", "1h conflict admin r2 a1", "1h retry-scheduled admin r2 a2 at 2h30m",
				"2h run-finished run1 onDemand completed", "2h operation-changed succeeded",
				"2h30m request-arrived admin r2 a2", "2h30m accepted admin r2 a2", "2h30m operation-changed notStarted",
				"2h30m run-started run2 onDemand", "2h30m operation-changed running",
				"4h30m run-finished run2 onDemand completed", // past the end: not reported
			}[:15],
		},
		{
			name: "the sixth start is throttled and its retry at exactly Retry-After is accepted",
			config: func() Config {
				c := documented(13 * time.Hour)
				c.Schedule = nil
				c.Runs = &Scripted{{Duration: 10 * time.Minute, Status: Completed}}
				c.Clients = []Client{admin(0, time.Hour, 2*time.Hour, 3*time.Hour, 4*time.Hour, 5*time.Hour)}
				c.Clients[0].OnThrottle = Retry{Kind: AfterRetryAfter, Delay: time.Hour, MaxAttempts: 3}
				return c
			},
			want: append(acceptedRuns(0, 5, 10*time.Minute),
				"5h request-arrived admin r6 a1", "5h throttled admin r6 a1 retry-after=7h", "5h retry-scheduled admin r6 a2 at 12h",
				"12h request-arrived admin r6 a2", "12h accepted admin r6 a2", "12h operation-changed notStarted",
				"12h run-started run6 onDemand", "12h operation-changed running",
				"12h10m run-finished run6 onDemand completed", "12h10m operation-changed succeeded",
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
			want: []string{
				"1h30m request-arrived admin r1 a1", "1h30m accepted admin r1 a1", "1h30m operation-changed notStarted",
				"1h30m run-started run1 onDemand", "1h30m operation-changed running",
				"2h scheduled-due 2h", "2h scheduled-skipped 2h run-in-progress",
				"2h30m run-finished run1 onDemand completed", "2h30m operation-changed succeeded",
			},
		},
		{
			name: "a scheduled run due while the window is full is skipped with the throttle's Retry-After",
			config: func() Config {
				c := documented(3 * time.Hour)
				c.Skip = nil
				c.NewThrottle = func() (*policy.Throttle, error) {
					return policy.SlidingThrottle(1, 12*time.Hour)
				}
				c.Runs = &Scripted{{Duration: 10 * time.Minute, Status: Completed}}
				c.Clients = []Client{admin(hm(0, 30))}
				return c
			},
			want: []string{
				"30m request-arrived admin r1 a1", "30m accepted admin r1 a1", "30m operation-changed notStarted",
				"30m run-started run1 onDemand", "30m operation-changed running",
				"40m run-finished run1 onDemand completed", "40m operation-changed succeeded",
				"2h scheduled-due 2h", "2h scheduled-skipped 2h throttled retry-after=10h30m",
			},
		},
		{
			name: "a client gives up after its last attempt",
			config: func() Config {
				c := documented(3 * time.Hour)
				c.Schedule = nil
				c.Runs = &Scripted{{Duration: 3 * time.Hour, Status: Completed}}
				c.Clients = []Client{admin(0, hm(0, 10))}
				c.Clients[0].OnConflict = Retry{Kind: AfterDelay, Delay: 30 * time.Minute, MaxAttempts: 2}
				return c
			},
			want: []string{
				"0s request-arrived admin r1 a1", "0s accepted admin r1 a1", "0s operation-changed notStarted",
				"0s run-started run1 onDemand", "0s operation-changed running",
				"10m request-arrived admin r2 a1", "10m conflict admin r2 a1", "10m retry-scheduled admin r2 a2 at 40m",
				"40m request-arrived admin r2 a2", "40m conflict admin r2 a2", "40m gave-up admin r2 a2",
			},
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
		s := policy.FormatDuration(first + time.Duration(i)*time.Hour)
		f := policy.FormatDuration(first + time.Duration(i)*time.Hour + d)
		r := itoa(i + 1)
		out = append(out,
			s+" request-arrived admin r"+r+" a1", s+" accepted admin r"+r+" a1", s+" operation-changed notStarted",
			s+" run-started run"+r+" onDemand", s+" operation-changed running",
			f+" run-finished run"+r+" onDemand completed", f+" operation-changed succeeded")
	}
	return out
}

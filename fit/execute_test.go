package fit_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/fit"
	"runsim/internal/simtest"
)

// TestExecuteAgainstAServiceWaits carries a plan out against a fake Graph
// that is no emulator: Execute moves the plan on by whole periods to come
// after now, waits for each instant on the clock it is given, reads a
// Retry-After given as an HTTP-date, and follows the runs' nextLink.
func TestExecuteAgainstAServiceWaits(t *testing.T) {
	t0 := simtest.T0
	now := t0.Add(30 * time.Hour) // the service's clock: past the plan's start
	var posts []time.Time
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" { // the emulator's clock is asked without one: no such path here
			http.Error(w, `{"error": {"code": "InvalidAuthenticationToken"}}`, http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/beta/external/industryData/runs/start":
			posts = append(posts, now)
			w.Header().Set("Date", now.Format(http.TimeFormat))
			if len(posts) == 1 {
				w.Header().Set("Location", srv.URL+"/beta/external/industryData/operations/1")
				w.WriteHeader(http.StatusAccepted)
				return
			}
			w.Header().Set("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat))
			w.WriteHeader(http.StatusTooManyRequests)
		case r.URL.Path == "/beta/external/industryData/runs" && r.URL.Query().Get("page") == "":
			fmt.Fprintf(w, `{"value": [{"id": "a", "startDateTime": %q, "endDateTime": null, "status": "running"}], "@odata.nextLink": %q}`,
				posts[0].Format(time.RFC3339), srv.URL+"/beta/external/industryData/runs?page=2")
		case r.URL.Path == "/beta/external/industryData/runs":
			fmt.Fprint(w, `{"value": [{"id": "b", "startDateTime": "2025-01-07T02:00:00Z", "endDateTime": "2025-01-07T03:50:00Z", "status": "completed"}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	plan := &fit.Plan{Start: t0, Requests: []time.Time{t0.Add(2 * time.Hour), t0.Add(3 * time.Hour)}, Until: t0.Add(14 * time.Hour), Period: 12 * time.Hour}
	var slept []time.Duration
	out, err := fit.Execute(context.Background(), plan, fit.Endpoint{BaseURL: srv.URL + "/beta",
		Token: func(context.Context) (string, error) { return "tok", nil },
		Now:   func() time.Time { return now },
		Sleep: func(_ context.Context, d time.Duration) error { slept = append(slept, d); now = now.Add(d); return nil }})
	require.NoError(t, err)
	require.False(t, out.Emulator)
	require.Equal(t, 36*time.Hour, out.Shift, "three periods on, after the service's now")
	require.Equal(t, []time.Duration{8 * time.Hour, time.Hour, 11 * time.Hour}, slept)
	require.Equal(t, []time.Time{t0.Add(38 * time.Hour), t0.Add(39 * time.Hour)}, posts)
	require.Len(t, out.Requests, 2)
	require.Equal(t, fit.Request{Line: 2, Time: posts[0], Status: 202, RetryAfter: -1, Client: "probe",
		Operation: srv.URL + "/beta/external/industryData/operations/1"}, out.Requests[0])
	require.Equal(t, 90, out.Requests[1].RetryAfter)
	runs, err := fit.ReadRuns("runs.json", out.Runs)
	require.NoError(t, err)
	require.Len(t, runs, 2, "both pages")
}

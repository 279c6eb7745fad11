package fit_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"runsim/fit"
)

// TestReadErrors: a request log or a runs listing that cannot be read is
// refused with the file, and the line where that is known.
func TestReadErrors(t *testing.T) {
	readRequests := func(in string) error { _, err := fit.ReadRequests("requests.csv", strings.NewReader(in)); return err }
	readRuns := func(in string) error { _, err := fit.ReadRuns("runs.json", []byte(in)); return err }
	cases := map[string]struct {
		read     func(string) error
		in, want string
	}{
		"requests, empty":          {readRequests, "", "requests.csv:1: empty"},
		"requests, no status":      {readRequests, "time\n2025-01-06T00:00:00Z\n", "requests.csv:1: no status column"},
		"requests, unknown column": {readRequests, "time,status,colour\n", `requests.csv:1: unknown column "colour"`},
		"requests, bad time":       {readRequests, "time,status,retry_after\n2025-01-06T00:00:00Z,202,\nyesterday,202,\n", `requests.csv:3: time "yesterday" is not RFC 3339`},
		"requests, bad status":     {readRequests, "time,status,retry_after\n2025-01-06T00:00:00Z,500,\n", `requests.csv:2: status "500"`},
		"requests, retry on 202":   {readRequests, "time,status,retry_after\n2025-01-06T00:00:00Z,202,60\n", "requests.csv:2: retry_after \"60\" on a 202"},
		"requests, short row":      {readRequests, "time,status,retry_after\n2025-01-06T00:00:00Z,202\n", "requests.csv:2: 2 fields, the header has 3"},
		"requests, no rows":        {readRequests, "time,status,retry_after\n", "requests.csv: no requests"},
		"runs, empty":              {readRuns, "  \n", "runs.json:1: empty"},
		"runs, not a page":         {readRuns, "[1]", "runs.json:1: want the runs as Graph lists them"},
		"runs, no value":           {readRuns, `{"@odata.context": "x"}`, "runs.json:1: no value array"},
		"runs, bad status":         {readRuns, "{\"value\": [\n{\"id\": \"a\", \"startDateTime\": \"2025-01-06T02:00:00Z\", \"endDateTime\": null, \"status\": \"running\"},\n{\"id\": \"b\", \"startDateTime\": \"2025-01-06T02:00:00Z\", \"status\": \"done\"}]}", `runs.json:3: run b: unknown status "done"`},
		"runs, no start":           {readRuns, "{\"value\": [\n{\"id\": \"a\", \"status\": \"running\"}]}", "runs.json:2: a run without startDateTime"},
		"runs, syntax":             {readRuns, "{\"value\": [\n{\"id\": }]}", "runs.json:2:"},
		"runs, no end":             {readRuns, `{"value": [{"id": "a", "startDateTime": "2025-01-06T02:00:00Z", "status": "completed"}]}`, "has status completed but no endDateTime"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			require.ErrorContains(t, tc.read(tc.in), tc.want)
		})
	}
}

func TestReadRequestsRoundsRetryAfterUp(t *testing.T) {
	reqs, err := fit.ReadRequests("r.csv", strings.NewReader("time,status,retry_after,client\n2025-01-06T01:00:00Z,429,49.5,a\n2025-01-06T00:00:00Z,202,,b\n"))
	require.NoError(t, err)
	require.Len(t, reqs, 2)
	require.Equal(t, "b", reqs[0].Client, "sorted by time")
	require.Equal(t, -1, reqs[0].RetryAfter)
	require.Equal(t, 50, reqs[1].RetryAfter)
}

func TestReadRunsPages(t *testing.T) {
	page := func(id, start string) string {
		return `{"value": [{"id": "` + id + `", "startDateTime": "` + start + `", "endDateTime": null, "status": "running"}]}`
	}
	for name, data := range map[string]string{
		"pages one after the other": page("b", "2025-01-06T04:00:00Z") + "\n" + page("a", "2025-01-06T02:00:00Z"),
		"an array of pages":         "[" + page("b", "2025-01-06T04:00:00Z") + "," + page("a", "2025-01-06T02:00:00Z") + "," + page("a", "2025-01-06T02:00:00Z") + "]",
	} {
		t.Run(name, func(t *testing.T) {
			runs, err := fit.ReadRuns("runs.json", []byte(data))
			require.NoError(t, err)
			require.Len(t, runs, 2)
			require.Equal(t, "a", runs[0].ID, "by start, each run once")
			require.True(t, runs[0].Running())
		})
	}
}

func TestReadingsTable(t *testing.T) {
	instants := map[string]string{"@schedule": "2025-01-06T02:00:00Z", "@midnight": "2025-01-06T00:00:00Z"}
	rs := fit.Readings(fit.Dimensions, func(v string) string {
		if at, ok := instants[v]; ok {
			return at
		}
		return v
	})
	seen := map[string]bool{}
	for _, r := range rs {
		require.False(t, seen[r.Key()], "twice: %s", r.Key())
		seen[r.Key()] = true
		if r["service.throttle.kind"] == "none" {
			require.NotContains(t, r, "service.throttle.counts", "a throttle that never refuses has nothing to count")
		}
		if r["service.throttle.counts"] != "successful" {
			require.NotContains(t, r, "service.throttle.reserve")
		}
		if r["service.overlap.on_demand"] == "reject" {
			require.NotContains(t, r, "service.skip.from", "a start that does not wait starts its run at its request")
		}
		if r["service.throttle.refusal"] == "accepted-then-failed" {
			require.NotContains(t, r, "service.throttle.retry_after", "a 202 carries no Retry-After")
		}
	}
	// 4 throttles with options (fixed twice, for its anchors): 4 ways to
	// count, 3 for scheduled runs, a 429 with or without Retry-After or a
	// 202 then a failed operation; and none; times the skip rules and
	// overlaps that differ.
	require.Len(t, rs, (5*4*3*3+1)*(2*4+2*7))
}

// TestFitExample fits the README's example (a probe of an emulator whose
// throttle is a token bucket): every sliding log is ruled out, the
// documented reading first at line 8.
func TestFitExample(t *testing.T) {
	res := fitExample(t)
	require.NotEmpty(t, res.Consistent)
	for _, r := range res.Readings() {
		require.NotEqual(t, "sliding", r["service.throttle.kind"])
		require.Equal(t, "reject", r["service.overlap.on_demand"])
	}
	var documented *fit.Verdict
	for i, v := range res.Inconsistent {
		if v.Reading.Key() == with().Key() {
			documented = &res.Inconsistent[i]
		}
	}
	require.NotNil(t, documented)
	require.Equal(t, 2, documented.Contradictions)
	require.Equal(t, fit.Contradiction{Time: documented.First.Time, Line: 8, What: "request", Observed: "202", Predicted: "429 Retry-After 6780"}, *documented.First)
}

func TestWriteScenario(t *testing.T) {
	res := fitExample(t)
	data, err := fit.WriteScenario("out.yaml", nil, res.Consistent[0][0], res.Settings)
	require.NoError(t, err)
	require.Contains(t, string(data), "kind: "+res.Consistent[0][0]["service.throttle.kind"])
}

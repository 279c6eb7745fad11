package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/serve"
)

// startServe runs "runsim serve" in-process on a free loopback port and
// returns its URL and a function that stops it (as SIGINT would) and
// returns its exit code and what it wrote to standard error after the
// first line.
func startServe(t *testing.T, args ...string) (string, func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	serveCommand, ok := lookupCommand("serve")
	require.True(t, ok)
	go func() {
		code := serveCommand.call(ctx, append(args, "--addr", "127.0.0.1:0"), io.Discard, pw)
		pw.Close()
		done <- code
	}()
	r := bufio.NewReader(pr)
	first, err := r.ReadString('\n')
	require.NoError(t, err)
	url := regexp.MustCompile(`http://127\.0\.0\.1:[0-9]+`).FindString(first)
	require.NotEmpty(t, url, first)
	rest := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		rest <- string(b)
	}()
	stopped := false
	stop := func() (int, string) {
		stopped = true
		cancel()
		return <-done, <-rest
	}
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	return url, stop
}

func post(t *testing.T, url, tok, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", url, strings.NewReader(body))
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func TestServeFirstLineAndToken(t *testing.T) {
	_, out, errOut := runsim("token", "--roles", "IndustryData-Run.Start,IndustryData-Run.Read.All", "--tenant", "contoso")
	require.Empty(t, errOut)
	tok := strings.TrimSpace(out)
	require.Equal(t, 2, strings.Count(tok, "."), "a JWT")

	url, stop := startServe(t, "../../scenarios/serve.yaml", "--quiet")
	res := post(t, url+serve.Prefix+"/runs/start", tok, "")
	assert.Equal(t, http.StatusAccepted, res.StatusCode)
	code, rest := stop()
	assert.Equal(t, 0, code)
	assert.Contains(t, rest, "stopped")

	code, _, errOut = runsim("token")
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "--roles")
	code, _, errOut = runsim("serve", "../../scenarios/serve.yaml", "--clock", "sundial")
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "unknown clock")
}

// TestServeSessionReplays is the replay property: the instants of a serve
// session's requests, given to runsim run as an explicit at: list of one
// client, give the same trace, byte for byte. Sessions are drawn at random
// (requests and clock advances) over scenarios with schedules, skip rules,
// throttles, overlaps and failing runs of their own.
func TestServeSessionReplays(t *testing.T) {
	cases := []struct {
		file string
		sets []string
	}{
		{"serve.yaml", nil},
		{"documented.yaml", nil},
		{"documented.yaml", []string{"--set", "service.schedule.anchor=2025-01-06T00:00:00Z"}}, // the schedule anchored at the start
		{"policies/overlap-buffer.yaml", nil},
		{"policies/throttle-token-bucket.yaml", nil},
		{"policies/skip-re-anchor.yaml", nil},
		{"flaky-runs.yaml", nil},
	}
	for i, tc := range cases {
		file := tc.file
		t.Run(fmt.Sprint(file, tc.sets), func(t *testing.T) {
			dir := t.TempDir()
			scn := "../../scenarios/" + file
			tracePath := filepath.Join(dir, "serve.trace")
			url, stop := startServe(t, append([]string{scn, "--quiet", "--trace", tracePath}, tc.sets...)...)
			_, out, _ := runsim("token", "--roles", serve.PermRunStart)
			tok := strings.TrimSpace(out)

			rng := rand.New(rand.NewPCG(uint64(i), 1))
			var times []string
			for range 30 + rng.IntN(30) {
				if rng.IntN(4) > 0 {
					advance := time.Duration(rng.Int64N(int64(6 * time.Hour))).Truncate(time.Millisecond)
					require.Equal(t, 200, post(t, url+"/_runsim/clock", "", fmt.Sprintf(`{"advance": "%dms"}`, advance.Milliseconds())).StatusCode)
				}
				res := post(t, url+serve.Prefix+"/runs/start", tok, "")
				require.Contains(t, []int{202, 409, 429}, res.StatusCode)
			}
			// The request instants, to the millisecond, from the summary's
			// source: the session's request log.
			res, err := http.Get(url + "/_runsim/trace")
			require.NoError(t, err)
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			var last time.Time
			for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
				m := regexp.MustCompile(`^\{"time":"([^"]+)","kind":"request-arrived"`).FindStringSubmatch(line)
				if m != nil {
					times = append(times, m[1])
				}
			}
			post(t, url+"/_runsim/clock", "", `{"advance": "1h"}`)
			res, err = http.Get(url + "/_runsim/clock")
			require.NoError(t, err)
			nowJSON, _ := io.ReadAll(res.Body)
			res.Body.Close()
			last, err = time.Parse(time.RFC3339Nano, regexp.MustCompile(`"now":"([^"]+)"`).FindStringSubmatch(string(nowJSON))[1])
			require.NoError(t, err)
			res, err = http.Get(url + "/_runsim/summary")
			require.NoError(t, err)
			summaryJSON, _ := io.ReadAll(res.Body)
			res.Body.Close()
			code, _ := stop()
			require.Equal(t, 0, code)

			s := read(t, scn)
			start, err := time.Parse(time.RFC3339, regexp.MustCompile(`(?m)^start: (\S+)`).FindStringSubmatch(s)[1])
			require.NoError(t, err)
			replayTrace := filepath.Join(dir, "replay.trace")
			code, _, errOut := runsim(append([]string{"run", scn, "--trace", replayTrace,
				"--set", "clients=[{name: graph, arrivals: {at: [" + strings.Join(times, ", ") + "]}}]",
				"--set", fmt.Sprintf("horizon=%dms", last.Sub(start).Milliseconds()+1)}, tc.sets...)...)
			require.Equal(t, 0, code, errOut)

			// The summary so far is runsim run's JSON of the same replay,
			// but for the scenario's file and the client's description.
			code, runJSON, errOut := runsim(append([]string{"run", scn, "--format", "json",
				"--set", "clients=[{name: graph, arrivals: {at: [" + strings.Join(times, ", ") + "]}}]",
				"--set", fmt.Sprintf("horizon=%dms", last.Sub(start).Milliseconds()+1)}, tc.sets...)...)
			require.Equal(t, 0, code, errOut)
			var fromServe, fromRun map[string]any
			require.NoError(t, json.Unmarshal(summaryJSON, &fromServe), string(summaryJSON))
			require.NoError(t, json.Unmarshal([]byte(runJSON), &fromRun))
			for _, m := range []map[string]any{fromServe, fromRun} {
				delete(m["assumptions"].(map[string]any), "client graph")
			}
			assert.Equal(t, fromRun, fromServe)

			served := read(t, tracePath)
			replayed := read(t, replayTrace)
			require.Greater(t, strings.Count(served, "\n"), 30)
			assert.Equal(t, replayed, served)
		})
	}
}

// TestServeStopsCleanly: after a stop, no goroutine of the server is left
// (the count returns to what it was, once the test's own idle connections
// are closed), and the trace is written whole.
func TestServeStopsCleanly(t *testing.T) {
	client := &http.Client{Transport: &http.Transport{}}
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	url, stop := startServe(t, "../../scenarios/serve.yaml", "--quiet", "--trace", filepath.Join(dir, "s.jsonl"))
	_, out, _ := runsim("token", "--roles", serve.PermRunStart)
	for range 20 {
		req, _ := http.NewRequest("POST", url+serve.Prefix+"/runs/start", nil)
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(out))
		res, err := client.Do(req)
		require.NoError(t, err)
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
	}
	code, _ := stop()
	require.Equal(t, 0, code)
	client.CloseIdleConnections()
	left := runtime.NumGoroutine()
	for i := 0; i < 100 && left > before; i++ { // bounded: goroutines take a moment to return
		time.Sleep(20 * time.Millisecond)
		left = runtime.NumGoroutine()
	}
	assert.LessOrEqual(t, left, before)
	b := read(t, filepath.Join(dir, "s.jsonl"))
	assert.Equal(t, 20+20+3+19, strings.Count(b, "\n"), "20 arrivals and 20 answers; the first accepted: its operation (notStarted, running) and its run started; 19 conflicts, each given up")
}

// TestServeStopsGracefully: serve handles SIGINT and SIGTERM itself: it
// stops serving, writes the trace whole, and exits 0 (the handler of the
// other commands would exit 130 and drop the trace).
func TestServeStopsGracefully(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			trace := filepath.Join(dir, "serve.jsonl")
			cmd, errText := startMain(t, "serve", "../../scenarios/serve.yaml", "--addr", "127.0.0.1:0", "--quiet", "--background", "--trace", trace)
			waitUntil(t, "serve never listened", errText, func() bool { return strings.Contains(errText(), "listening on http://127.0.0.1:") })
			require.NoError(t, cmd.Process.Signal(sig))
			require.NoError(t, cmd.Wait(), "stderr: %s", errText())
			assert.Contains(t, errText(), "runsim serve: stopped")
			assert.NotContains(t, errText(), "files being written were removed")
			assert.FileExists(t, trace, "the trace is written on the way out")
		})
	}
}

// TestServeTraceStreams: --trace is written as events happen, so it holds
// the whole session even when --trace-events keeps less in memory (here
// none); a reset starts the file anew, as it starts the service anew; each
// tenant has its own file. --trace-events is bounded.
func TestServeTraceStreams(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "s.trace")
	url, stop := startServe(t, "../../scenarios/serve.yaml", "--quiet", "--trace", trace, "--trace-events", "0")
	_, home, _ := runsim("token", "--roles", serve.PermRunStart)
	_, other, _ := runsim("token", "--roles", serve.PermRunStart, "--tenant", "fabrikam")
	start := func(tok string) {
		assert.Equal(t, http.StatusAccepted, post(t, url+serve.Prefix+"/runs/start", strings.TrimSpace(tok), "").StatusCode)
		post(t, url+"/_runsim/clock", "", `{"advance": "1h"}`)
	}
	start(home)
	start(home)
	res, err := http.Get(url + "/_runsim/trace")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusInsufficientStorage, res.StatusCode, "none kept in memory")

	post(t, url+"/_runsim/reset", "", "")
	start(home)
	start(other)
	code, _ := stop()
	require.Equal(t, 0, code)

	oneRun := "request-arrived, accepted, operation-changed, run-started, operation-changed, run-finished, operation-changed"
	kinds := func(path string) string {
		var ks []string
		for _, line := range strings.Split(strings.TrimSpace(read(t, path)), "\n") {
			ks = append(ks, strings.Fields(line)[1])
		}
		return strings.Join(ks, ", ")
	}
	assert.Equal(t, oneRun, kinds(trace), "the session after the reset only")
	assert.Equal(t, oneRun, kinds(filepath.Join(dir, "s-fabrikam.trace")))
	assert.ElementsMatch(t, []string{"s.trace", "s-fabrikam.trace"}, names(t, dir), "no file left half-written")

	for _, n := range []string{"-1", "4194305", "1000000000000000000"} {
		code, _, errOut := runsim("serve", "../../scenarios/serve.yaml", "--trace-events", n)
		assert.Equal(t, exitBadInput, code, n)
		assert.Contains(t, errOut, "--trace-events: ", n)
	}
}

// TestServeUsageNamesTheBounds: serve's help gives the trace bound's
// default and maximum that the code uses.
func TestServeUsageNamesTheBounds(t *testing.T) {
	assert.Contains(t, serveUsage, fmt.Sprintf("default %d;", serve.DefaultTraceEvents))
	assert.Contains(t, serveUsage, fmt.Sprintf("at most %d)", maxTraceEvents))
}

// TestServeLoadsLibraryNames: serve takes a scenario of the library by
// name, as run does.
func TestServeLoadsLibraryNames(t *testing.T) {
	url, stop := startServe(t, "documented", "--quiet")
	res, err := http.Get(url + "/_runsim/clock")
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
	code, rest := stop()
	assert.Equal(t, exitOK, code, rest)

	code, _, errOut := runsim("serve", "nosuch")
	assert.Equal(t, exitBadInput, code)
	assert.True(t, strings.HasPrefix(errOut, `runsim serve: nosuch: no such file, and the library has no scenario "nosuch"`), errOut)
}

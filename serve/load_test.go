package serve_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/serve"
)

type loadResult struct {
	status   int
	location string
	err      error
	took     time.Duration // wall time, for the benchmark's percentiles only
}

// startOnce posts one start and reads the whole answer; it checks the
// answer is well formed: a 202 with a Location and no body, or Graph's
// error body with the request-id of its header.
func startOnce(client *http.Client, url, tok string) loadResult {
	req, err := http.NewRequest("POST", url, nil)
	if err != nil {
		return loadResult{err: err}
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := client.Do(req)
	if err != nil {
		return loadResult{err: err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return loadResult{err: err}
	}
	r := loadResult{status: res.StatusCode, location: res.Header.Get("Location")}
	if res.Header.Get("request-id") == "" || res.Header.Get("Date") == "" {
		r.err = fmt.Errorf("%d without request-id or Date", res.StatusCode)
	}
	switch res.StatusCode {
	case http.StatusAccepted:
		if r.location == "" || len(body) != 0 {
			r.err = fmt.Errorf("202 without a Location or with a body %q", body)
		}
	case http.StatusTooManyRequests, http.StatusConflict:
		var e graphError
		if err := json.Unmarshal(body, &e); err != nil || e.Error.Code == "" || e.Error.InnerError.RequestID != res.Header.Get("request-id") {
			r.err = fmt.Errorf("%d with a bad error body %q", res.StatusCode, body)
		}
	default:
		r.err = fmt.Errorf("unexpected %d: %s", res.StatusCode, body)
	}
	return r
}

// A load is total starts from workers concurrent clients over loopback,
// bounded in time by a deadline on the whole; before every every-th start
// the clock moves step on (runs finish, operations move on, the throttle's
// window slides), so that the virtual span is total/every·step whatever
// the number of clients.
type load struct {
	total, workers int
	every          int
	step           time.Duration
}

// run sends the load's starts to the emulator and returns every answer, in
// the order the starts were numbered; an error only when the deadline
// passed first.
func (l load) run(emu *serve.Server, url, tok string) ([]loadResult, error) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: l.workers}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	results := make([]loadResult, l.total)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range l.workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				n := next.Add(1)
				if n > int64(l.total) {
					return
				}
				if n%int64(l.every) == 0 {
					emu.Advance(l.step)
				}
				began := time.Now()
				r := startOnce(client, url+serve.Prefix+"/runs/start", tok)
				r.took = time.Since(began)
				results[n-1] = r
			}
		})
	}
	wg.Wait()
	return results, ctx.Err()
}

// TestLoad: 20,000 starts from 64 concurrent clients over loopback (2,000
// with -short), while the clock moves on, every start accepted (no
// throttle, runs side by side): every request gets a well-formed answer,
// every 202's Location resolves to its operation, and no operation is
// lost. Bounded in count, and in time by a deadline on the whole.
func TestLoad(t *testing.T) {
	l := load{total: 20000, workers: 64, every: 500, step: time.Minute}
	if testing.Short() {
		l.total = 2000
	}
	emu, ts := newEmulator(t, serve.Options{TraceEvents: -1}, "service.throttle.kind=none", "service.overlap.on_demand=concurrent")
	tok := token(t, allRoles...)
	results, err := l.run(emu, ts.URL, tok)
	require.NoError(t, err, "the load did not finish in time")

	locations := map[string]bool{}
	counts := map[int]int{}
	var failures []string
	for _, r := range results {
		counts[r.status]++
		switch {
		case r.err != nil:
			failures = append(failures, r.err.Error())
		case locations[r.location]:
			failures = append(failures, "Location given twice: "+r.location)
		case r.status == http.StatusAccepted:
			locations[r.location] = true
		}
	}
	require.Empty(t, failures)
	require.Equal(t, l.total, counts[http.StatusAccepted], "%v", counts)

	// Every Location resolves to its operation, and the service agrees on
	// how many there are.
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: l.workers}}
	defer client.CloseIdleConnections()
	sem := make(chan struct{}, l.workers)
	var bad atomic.Int64
	var wg sync.WaitGroup
	for loc := range locations {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			req, _ := http.NewRequest("GET", loc, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := client.Do(req)
			if err != nil {
				bad.Add(1)
				return
			}
			defer res.Body.Close()
			var op operation
			if res.StatusCode != http.StatusOK || json.NewDecoder(res.Body).Decode(&op) != nil || !strings.HasSuffix(loc, "/"+op.ID) {
				bad.Add(1)
			}
		})
	}
	wg.Wait()
	assert.Zero(t, bad.Load())
	sum, err := emu.Summary("")
	require.NoError(t, err)
	assert.Equal(t, l.total, sum.Summary.Requests)
	assert.Equal(t, l.total, sum.Summary.Accepted)
	assert.Equal(t, l.total, sum.Summary.RunsStarted)
}

// BenchmarkServeLoopback sends starts over loopback (127.0.0.1:0) from 64
// concurrent clients under the documented throttle, the clock moving
// through the same day of virtual time (96 steps of 15 minutes): a load of
// 20,000 starts, then one twice as long (40,000) over the same day. It
// reports the first load's requests per second (req/s) and p99 latency
// (p99-ms); the heap in use after a GC with each load's emulator alive and
// its connections closed (heap-20k-KiB, heap-40k-KiB); and their
// difference per extra request, in use (heap-B/req) and in live objects
// (live-B/req): what the emulator keeps per request, about 0 since it keeps
// nothing per request. The trace is off (TraceEvents -1); it adds at most
// Options.TraceEvents events. Run it with -benchtime 1x: one op is both
// loads.
func BenchmarkServeLoopback(b *testing.B) {
	tok, err := serve.NewToken(serve.TokenOptions{Roles: allRoles})
	require.NoError(b, err)
	s := serveScenario(b)
	for b.Loop() {
		emu, err := serve.New(s, serve.Options{TraceEvents: -1})
		require.NoError(b, err)
		perSec, p99, inuse20k, live20k := loopbackLoad(b, emu, tok, 20000)
		emu, err = serve.New(s, serve.Options{TraceEvents: -1})
		require.NoError(b, err)
		_, _, inuse40k, live40k := loopbackLoad(b, emu, tok, 40000)
		b.ReportMetric(perSec, "req/s")
		b.ReportMetric(p99, "p99-ms")
		b.ReportMetric(float64(inuse20k)/1024, "heap-20k-KiB")
		b.ReportMetric(float64(inuse40k)/1024, "heap-40k-KiB")
		b.ReportMetric((float64(inuse40k)-float64(inuse20k))/20000, "heap-B/req")
		b.ReportMetric((float64(live40k)-float64(live20k))/20000, "live-B/req")
	}
}

// loopbackLoad runs a load of total starts over a day against emu, new,
// and returns its requests per second and p99 latency in ms,
// then the heap in use and the live heap after a GC, the emulator alive
// and nothing else of the load.
func loopbackLoad(b *testing.B, emu *serve.Server, tok string, total int) (perSec, p99 float64, inuse, live uint64) {
	ts := httptest.NewServer(emu)
	began := time.Now()
	results, err := load{total: total, workers: 64, every: total / 96, step: 15 * time.Minute}.run(emu, ts.URL, tok)
	took := time.Since(began)
	ts.Close()
	if err != nil {
		b.Fatalf("the load of %d did not finish in time", total)
	}
	lat := make([]time.Duration, 0, total)
	for _, r := range results {
		if r.err != nil {
			b.Fatalf("a malformed answer: %v", r.err)
		}
		lat = append(lat, r.took)
	}
	slices.Sort(lat)
	perSec, p99 = float64(total)/took.Seconds(), float64(lat[len(lat)*99/100].Microseconds())/1000
	runtime.GC() // results and lat are dead: only the emulator is kept
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	runtime.KeepAlive(emu)
	return perSec, p99, ms.HeapInuse, ms.HeapAlloc
}

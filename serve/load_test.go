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

	"runsim/scenario"
	"runsim/serve"
)

// loadEmulator serves a scenario where every start is accepted (no
// throttle, runs side by side), so that every request makes an operation,
// on a loopback port.
func loadEmulator(tb testing.TB, opts serve.Options, overrides ...string) (*serve.Server, *httptest.Server) {
	tb.Helper()
	s, err := scenario.Load("../scenarios/serve.yaml", overrides...)
	require.NoError(tb, err)
	emu, err := serve.New(s, opts)
	require.NoError(tb, err)
	ts := httptest.NewServer(emu)
	tb.Cleanup(ts.Close)
	return emu, ts
}

type loadResult struct {
	status   int
	location string
	err      error
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

// TestLoad: 20,000 starts from 64 concurrent clients over loopback (2,000
// with -short), while the clock moves on: every request gets a well-formed
// answer, every 202's Location resolves to its operation, and no operation
// is lost. Bounded in count, and in time by a deadline on the whole.
func TestLoad(t *testing.T) {
	total, workers := 20000, 64
	if testing.Short() {
		total = 2000
	}
	emu, ts := loadEmulator(t, serve.Options{TraceEvents: -1}, "service.throttle.kind=none", "service.overlap.on_demand=concurrent")
	tok := token(t, allRoles...)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: workers}}
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	var next atomic.Int64
	var mu sync.Mutex
	locations := map[string]bool{}
	counts := map[int]int{}
	var failures []string
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				n := next.Add(1)
				if n > int64(total) {
					return
				}
				if n%500 == 0 {
					emu.Advance(time.Minute) // runs finish, operations move on
				}
				r := startOnce(client, ts.URL+serve.Prefix+"/runs/start", tok)
				mu.Lock()
				counts[r.status]++
				if r.err != nil {
					failures = append(failures, r.err.Error())
				} else if r.status == http.StatusAccepted {
					if locations[r.location] {
						failures = append(failures, "Location given twice: "+r.location)
					}
					locations[r.location] = true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	require.NoError(t, ctx.Err(), "the load did not finish in time")
	require.Empty(t, failures)
	require.Equal(t, total, counts[http.StatusAccepted], "%v", counts)

	// Every Location resolves to its operation, and the service agrees on
	// how many there are.
	locs := slices.Sorted(func(yield func(string) bool) {
		for l := range locations {
			if !yield(l) {
				return
			}
		}
	})
	sem := make(chan struct{}, workers)
	var bad atomic.Int64
	for _, loc := range locs {
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
	assert.Equal(t, total, sum.Summary.Requests)
	assert.Equal(t, total, sum.Summary.Accepted)
	assert.Equal(t, total, sum.Summary.RunsStarted)
}

// BenchmarkServeLoopback measures starts over loopback from 64 concurrent
// clients under the documented throttle (most are answered 429): requests
// per second, the p99 latency, and the heap kept per request (the request
// log, 8 bytes; no trace).
func BenchmarkServeLoopback(b *testing.B) {
	emu, ts := loadEmulator(b, serve.Options{TraceEvents: -1})
	tok, err := serve.NewToken(serve.TokenOptions{Roles: allRoles})
	require.NoError(b, err)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()
	url := ts.URL + serve.Prefix + "/runs/start"
	var mu sync.Mutex
	var lat []time.Duration
	var fails atomic.Int64
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.SetParallelism(64 / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for pb.Next() {
			began := time.Now()
			if r := startOnce(client, url, tok); r.err != nil {
				fails.Add(1)
			}
			mine = append(mine, time.Since(began))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if fails.Load() > 0 {
		b.Fatalf("%d malformed answers", fails.Load())
	}
	slices.Sort(lat)
	b.ReportMetric(float64(len(lat))/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(int64(after.HeapInuse)-int64(before.HeapInuse))/float64(len(lat)), "heap-B/req")
	_ = emu
}

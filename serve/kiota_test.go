package serve_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	nethttplibrary "github.com/microsoft/kiota-http-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/scenario"
	"runsim/scenarios"
	"runsim/serve"
	"runsim/sim"
)

// memTransport answers requests with a handler in memory: no sockets, so
// that the client and the emulator run inside one synctest bubble.
type memTransport struct{ h http.Handler }

func (m memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	m.h.ServeHTTP(rec, req)
	res := rec.Result()
	res.Request = req
	return res, nil
}

// kiotaClient is kiota-http-go's default client (its default middleware,
// the retry handler among them, and its 100 s Timeout) over memTransport.
func kiotaClient(h http.Handler) *http.Client {
	c := nethttplibrary.GetDefaultClient()
	c.Transport = nethttplibrary.NewCustomTransportWithParentTransport(memTransport{h}, nethttplibrary.GetDefaultMiddlewares()...)
	return c
}

// answerLog records every answer to a start, as "offset kind".
type answerLog struct {
	t0    time.Time
	lines []string
}

func (l *answerLog) Observe(e *sim.Event) {
	switch e.Kind {
	case sim.Accepted, sim.Throttled, sim.Conflict:
		l.lines = append(l.lines, fmt.Sprintf("%s %s", e.At.Sub(l.t0), e.Kind))
	}
}

// The first attempts of the agreement test, from the start: five starts an
// hour apart fill the window (runs last 10 minutes); then waits of 50 s,
// 99 s and 40 min, a conflict with a run in progress, 7 h.
var kiotaFirstAttempts = []time.Duration{
	0, time.Hour, 2 * time.Hour, 3 * time.Hour, 4 * time.Hour,
	5 * time.Hour, // 429, Retry-After 25200: past the 100 s timeout
	11*time.Hour + 59*time.Minute + 10*time.Second, // 429, Retry-After 50: retried once, 202 at 12:00
	12*time.Hour + 5*time.Minute,                   // 409: the 12:00 run is in progress; never retried
	12*time.Hour + 20*time.Minute,                  // 429, Retry-After 2400: past the timeout
	12*time.Hour + 58*time.Minute + 21*time.Second, // 429, Retry-After 99: retried, 202 at 13:00
	13*time.Hour + 30*time.Minute,                  // 429 ... and so on
	14*time.Hour + time.Minute + 50*time.Second,
}

// TestKiotaAgainstTheEmulator runs the real middleware against the emulator
// in virtual time (testing/synctest: its 7-hour waits and 100 s timeouts
// take no real time) and checks that the kiota preset in runsim run, for
// the same first attempts, gets the same answers at the same instants and
// ends each request the same way.
func TestKiotaAgainstTheEmulator(t *testing.T) {
	for _, date := range []bool{false, true} {
		t.Run(fmt.Sprintf("retry-after-date=%v", date), func(t *testing.T) {
			var real answerLog
			var outcomes []string
			var t0 time.Time
			synctest.Test(t, func(t *testing.T) {
				s, err := scenarios.Load("serve")
				require.NoError(t, err)
				clock, err := serve.NewClock(serve.System, time.Time{}, 0)
				require.NoError(t, err)
				emu, err := serve.New(s, serve.Options{Clock: clock, RetryAfterDate: date,
					Observers: func(string) []sim.Observer { return []sim.Observer{&real} }})
				require.NoError(t, err)
				t0 = emu.Now()
				real.t0 = t0
				client := kiotaClient(emu)
				tok := token(t, serve.PermRunStart)
				for _, at := range kiotaFirstAttempts {
					time.Sleep(time.Until(t0.Add(at)))
					req, err := http.NewRequestWithContext(context.Background(), "POST", "http://graph.local"+serve.Prefix+"/runs/microsoft.graph.industryData.start", nil)
					require.NoError(t, err)
					req.Header.Set("Authorization", "Bearer "+tok)
					res, err := client.Do(req)
					if err != nil {
						require.True(t, errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "Client.Timeout exceeded"), err)
						outcomes = append(outcomes, "timeout")
						continue
					}
					res.Body.Close()
					outcomes = append(outcomes, res.Status)
				}
			})

			// The same first attempts, as runsim run plays them with the preset.
			var at []string
			for _, d := range kiotaFirstAttempts {
				at = append(at, t0.Add(d).Format(time.RFC3339))
			}
			s, err := scenario.Load("../scenarios/serve.yaml", "start="+t0.Format(time.RFC3339), "horizon=2d",
				"clients=[{name: graph, arrivals: {at: ["+strings.Join(at, ", ")+"]}, on_throttle: {retry: kiota}, on_conflict: {retry: kiota}}]")
			require.NoError(t, err)
			cfg, err := s.Config()
			require.NoError(t, err)
			preset := answerLog{t0: t0}
			ends := map[uint64]string{}
			_, err = sim.Run(cfg, &preset, sim.ObserverFunc(func(e *sim.Event) {
				switch e.Kind {
				case sim.Accepted:
					ends[e.Request] = "202 Accepted"
				case sim.GaveUp:
					if ends[e.Request] == "" {
						ends[e.Request] = "gave up"
					}
				case sim.Conflict:
					ends[e.Request] = "409 Conflict"
				}
			}))
			require.NoError(t, err)

			require.Equal(t, preset.lines, real.lines)
			want := []string{"202 Accepted", "202 Accepted", "202 Accepted", "202 Accepted", "202 Accepted",
				"timeout", "202 Accepted", "409 Conflict", "timeout", "202 Accepted"}
			assert.Equal(t, want, outcomes[:len(want)])
			for i, o := range outcomes {
				end := ends[uint64(i+1)]
				if o == "timeout" {
					o = "gave up"
				}
				assert.Equal(t, o, end, "request %d", i+1)
			}
		})
	}
}

// closeCounter counts the bodies it hands out and the ones closed.
type closeCounter struct {
	memTransport
	opened, closed int
}

type countedBody struct {
	http.Response
	c    *closeCounter
	body interface{ Read([]byte) (int, error) }
}

func (b *countedBody) Read(p []byte) (int, error) { return b.body.Read(p) }
func (b *countedBody) Close() error               { b.c.closed++; return nil }

func (c *closeCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := c.memTransport.RoundTrip(req)
	if err == nil {
		c.opened++
		res.Body = &countedBody{c: c, body: res.Body}
	}
	return res, err
}

// What the retry handler does beyond the agreement test: without the
// default client's Timeout it waits a Retry-After of 7 hours in full (its
// 180 s limit is checked against the waits before a retry, not the one to
// come), and it drops the 429 it retries without closing its body, which
// over a real connection keeps that connection from being reused.
func TestKiotaWaitsSevenHoursWithoutTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := scenarios.Load("serve")
		require.NoError(t, err)
		clock, err := serve.NewClock(serve.System, time.Time{}, 0)
		require.NoError(t, err)
		emu, err := serve.New(s, serve.Options{Clock: clock})
		require.NoError(t, err)
		t0 := emu.Now()
		counter := &closeCounter{memTransport: memTransport{emu}}
		client := &http.Client{Transport: nethttplibrary.NewCustomTransportWithParentTransport(counter, nethttplibrary.GetDefaultMiddlewares()...)}
		tok := token(t, serve.PermRunStart)
		for i := range 6 {
			time.Sleep(time.Until(t0.Add(time.Duration(i) * time.Hour)))
			req, err := http.NewRequest("POST", "http://graph.local"+serve.Prefix+"/runs/start", nil)
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := client.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, http.StatusAccepted, res.StatusCode)
			if i == 5 {
				assert.Equal(t, t0.Add(12*time.Hour), time.Now().UTC(), "the sixth, at 05:00, waited 7 h and got its 202")
				assert.Equal(t, "1", req.Header.Get("Retry-Attempt"))
			}
		}
		assert.Equal(t, 7, counter.opened)
		assert.Equal(t, 6, counter.closed, "the 429 it retried was never closed")
	})
}

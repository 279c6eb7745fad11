package serve

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/scenario"
)

// retained counts what a tenant keeps: records that would grow with the
// requests if any were kept per request.
type retained struct {
	operations, refused, runs, running, traceEvents int
}

func (s *Server) retained(id string) retained {
	var r retained
	s.locked(id, func(t *tenant, _ time.Time) error {
		r = retained{operations: len(t.ops), refused: len(t.refused), runs: len(t.runs) + len(t.runIDs),
			running: len(t.runNs), traceEvents: len(t.trace.events)}
		return nil
	})
	return r
}

// TestRetainedFlat: what a tenant keeps does not grow with the requests at
// a fixed virtual span. The same day (96 steps of 15 minutes) with twice
// the starts in each step leaves the same operations, runs and trace
// events (its bound), under both readings of a refusal, and the same
// number of operations of refused starts once they pass the number kept;
// the summary counts every request.
func TestRetainedFlat(t *testing.T) {
	tok, err := NewToken(TokenOptions{Roles: []string{PermRunStart, PermReadBasic}})
	require.NoError(t, err)
	for _, refusal := range []string{"429", "accepted-then-failed"} {
		t.Run(refusal, func(t *testing.T) {
			s, err := scenario.Load("../scenarios/serve.yaml", "service.throttle.refusal="+refusal, "service.overlap.on_demand=concurrent")
			require.NoError(t, err)
			var kept []retained
			var emu *Server
			var first []string // the Locations of the first step
			for _, perStep := range []int{60, 120} {
				emu, err = New(s, Options{TraceEvents: 1000})
				require.NoError(t, err)
				first = nil
				for step := range 96 {
					for range perStep {
						rec := serveOnce(emu, "POST", Prefix+"/runs/start", tok)
						require.Contains(t, []int{http.StatusAccepted, http.StatusTooManyRequests}, rec.Code, rec.Body.String())
						if step == 0 && rec.Code == http.StatusAccepted {
							first = append(first, rec.Header().Get("Location"))
						}
					}
					_, err := emu.Advance(15 * time.Minute)
					require.NoError(t, err)
				}
				sum, err := emu.Summary("")
				require.NoError(t, err)
				require.Equal(t, 96*perStep, sum.Summary.Requests)
				kept = append(kept, emu.retained(DefaultTenant))
			}
			assert.Equal(t, kept[0], kept[1], "60 and 120 starts every 15 minutes")
			assert.Equal(t, 1000, kept[0].traceEvents, "the trace's bound")
			assert.Positive(t, kept[0].operations)
			if refusal == "429" {
				return
			}
			// The five starts of 00:00 got runs; the sixth was refused,
			// and its operation is forgotten since.
			assert.Equal(t, KeptRefusedOperations, kept[0].refused, fmt.Sprint(kept))
			require.Len(t, first, 120)
			assert.Equal(t, http.StatusOK, serveOnce(emu, "GET", first[4], tok).Code)
			rec := serveOnce(emu, "GET", first[5], tok)
			assert.Equal(t, http.StatusNotFound, rec.Code)
			assert.Contains(t, rec.Body.String(), "keeps the operations of the latest 4096 refused starts")
		})
	}
}

// serveOnce answers one request in memory.
func serveOnce(h http.Handler, method, url, tok string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

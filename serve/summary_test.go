package serve_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/experiment"
	"runsim/scenario"
	"runsim/serve"
	"runsim/sim"
)

// TestSummaryIsTheReplay: the summary so far, read from the tenant's live
// collector, is exactly the summary of runsim run's engine replaying the
// session's requests (an explicit at: list of the emulator's client) over
// [start, now] to the millisecond, at any instant of random sessions over
// scenarios with schedules, skip rules, every throttle, both readings of a
// refusal, overlaps, failing runs, warm-ups and background clients; and
// asking for it changes nothing: the sessions ask at random and the
// summaries that follow still agree.
func TestSummaryIsTheReplay(t *testing.T) {
	cases := []struct {
		file       string
		background bool
		sets       []string
	}{
		{"serve.yaml", false, nil},
		{"serve.yaml", false, []string{"service.throttle.refusal=accepted-then-failed"}},
		{"documented.yaml", false, nil},
		{"documented.yaml", true, []string{"warmup=5h"}},
		{"policies/overlap-buffer.yaml", false, nil},
		{"policies/throttle-token-bucket.yaml", false, []string{"warmup=3h"}},
		{"policies/throttle-gcra.yaml", true, nil},
		{"policies/throttle-fixed.yaml", false, nil},
		{"policies/skip-re-anchor.yaml", true, nil},
		{"flaky-runs.yaml", true, nil},
	}
	tok := token(t, serve.PermRunStart)
	for i, tc := range cases {
		t.Run(fmt.Sprint(tc.file, tc.background, tc.sets), func(t *testing.T) {
			s, err := scenario.Load("../scenarios/"+tc.file, tc.sets...)
			require.NoError(t, err)
			emu, err := serve.New(s, serve.Options{Background: tc.background})
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(uint64(i), 2))
			asked := 0
			for k := range 60 {
				if rng.IntN(3) > 0 {
					_, err := emu.Advance(time.Duration(rng.Int64N(int64(4 * time.Hour))).Truncate(time.Millisecond))
					require.NoError(t, err)
				}
				req := httptest.NewRequest("POST", serve.Prefix+"/runs/start", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				rec := httptest.NewRecorder()
				emu.ServeHTTP(rec, req)
				require.Contains(t, []int{http.StatusAccepted, http.StatusConflict, http.StatusTooManyRequests}, rec.Code)
				if rng.IntN(4) == 0 || k == 59 {
					asked++
					requireReplayed(t, s, emu, tc.background)
				}
			}
			require.Greater(t, asked, 10)
		})
	}
}

// requireReplayed checks that the emulator's summary now is the replay's.
func requireReplayed(t *testing.T, s *scenario.Scenario, emu *serve.Server, background bool) {
	t.Helper()
	got, err := emu.Summary("")
	require.NoError(t, err)
	times, err := emu.Requests("")
	require.NoError(t, err)
	cfg, err := s.Config()
	require.NoError(t, err)
	if !background {
		cfg.Clients = nil
	}
	cfg.Clients = append(cfg.Clients, sim.Client{Name: serve.DefaultClient, Arrivals: sim.At(times)})
	cfg.Start, cfg.End = emu.Start(), emu.Now().Add(time.Millisecond)
	want, err := experiment.Measure(cfg)
	require.NoError(t, err)
	require.Equal(t, want, got.Summary, "at %s", emu.Now())
}

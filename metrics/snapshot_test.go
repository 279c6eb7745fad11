package metrics_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/metrics"
	"runsim/scenario"
	"runsim/sim"
)

// TestSummaryAt: a run stepped to an instant and summarised there with
// SummaryAt (the engine's closing measurement taken on a copy) gives
// exactly the summary of a run that ends at that instant, for every
// throttle, with and without a warm-up (one that ends before, at and after
// the instant); and snapshots leave the live collector as it was: its
// summary at the end is the one of a run never summarised on the way.
func TestSummaryAt(t *testing.T) {
	files := []string{"documented.yaml", "flaky-runs.yaml", "policies/throttle-fixed.yaml",
		"policies/throttle-gcra.yaml", "policies/throttle-token-bucket.yaml", "policies/throttle-none.yaml"}
	for _, file := range files {
		for _, warmup := range []string{"0s", "3h", "5h"} {
			t.Run(fmt.Sprint(file, " warmup ", warmup), func(t *testing.T) {
				s, err := scenario.Load("../scenarios/"+file, "warmup="+warmup, "horizon=3d")
				require.NoError(t, err)
				cfg, err := s.Config()
				require.NoError(t, err)
				live := metrics.NewCollectorAfter(cfg.Start, cfg.Warmup, cfg.End)
				eng, err := sim.New(cfg, live)
				require.NoError(t, err)
				var instants []time.Time // every 97 minutes, and about the end of the warm-up
				for at := cfg.Start; at.Before(cfg.End.Add(-time.Hour)); at = at.Add(97 * time.Minute) {
					instants = append(instants, at)
				}
				if from := cfg.Start.Add(cfg.Warmup); cfg.Warmup > 0 {
					instants = append(instants, from.Add(-time.Millisecond), from)
				}
				slices.SortFunc(instants, time.Time.Compare)
				for _, at := range instants {
					require.NoError(t, eng.AdvanceTo(at))
					end := at.Add(time.Millisecond)
					var closing []sim.Event
					if ev, ok := eng.Closing(end); ok {
						closing = append(closing, ev)
					}
					got := live.SummaryAt(end, closing...)

					short := cfg
					short.End = end
					want := metrics.NewCollectorAfter(short.Start, short.Warmup, short.End)
					_, err := sim.Run(short, want)
					require.NoError(t, err)
					require.Equal(t, want.Summary(), got, "at %s", at)
				}
				eng.Finish()
				whole := metrics.NewCollectorAfter(cfg.Start, cfg.Warmup, cfg.End)
				_, err = sim.Run(cfg, whole)
				require.NoError(t, err)
				require.Equal(t, whole.Summary(), live.Summary())
			})
		}
	}
}

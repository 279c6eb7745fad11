package sim

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/policy"
)

// TestThrottleBounds: for each throttle variant, over hundreds of random
// scenarios, the bound the variant promises holds for every run that took
// a slot (counting accepted starts, scheduled runs throttled too):
//   - sliding log: at most N in any [a, a+W);
//   - fixed windows: at most N in each aligned window;
//   - token bucket and GCRA: at most burst + N·T/W in any span of length T.
func TestThrottleBounds(t *testing.T) {
	const n = 5
	anchor := at(90 * time.Minute)
	variants := []struct {
		name  string
		make  func() (policy.Limiter, error)
		check func(starts []time.Time) error
	}{
		{"sliding", func() (policy.Limiter, error) { return policy.NewSlidingLog(n, window) }, func(s []time.Time) error {
			for i := 0; i+n < len(s); i++ {
				if s[i+n].Sub(s[i]) < window {
					return fmt.Errorf("%d starts in [%s, %s]", n+1, s[i], s[i+n])
				}
			}
			return nil
		}},
		{"fixed", func() (policy.Limiter, error) { return policy.NewFixedWindow(n, window, anchor) }, func(s []time.Time) error {
			per := map[int64]int{}
			for _, t := range s {
				k := t.Sub(anchor).Milliseconds() / window.Milliseconds()
				if t.Before(anchor) {
					k--
				}
				if per[k]++; per[k] > n {
					return fmt.Errorf("%d starts in window %d", per[k], k)
				}
			}
			return nil
		}},
		{"token-bucket", func() (policy.Limiter, error) { return policy.NewTokenBucket(n, window, n) }, bucketBound(n, n)},
		{"gcra", func() (policy.Limiter, error) { return policy.NewGCRA(n, window, n) }, bucketBound(n, n)},
	}
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			refusals := 0
			for seed := range uint64(200) {
				cfg := randomScenario(seed)
				cfg.NewThrottle = func() (*policy.Throttle, error) {
					l, err := v.make()
					require.NoError(t, err)
					return policy.NewThrottle(l, policy.CountAccepted, true, true)
				}
				rec := run(t, cfg)
				refusals += len(rec.of(Throttled)) + len(rec.of(ScheduledSkipped))
				var starts []time.Time
				for _, e := range rec.of(RunStarted) {
					starts = append(starts, e.At)
				}
				slices.SortFunc(starts, time.Time.Compare)
				require.NoError(t, v.check(starts), "seed %d", seed)
			}
			require.Greater(t, refusals, 500, "the scenarios must press the throttle")
		})
	}
}

// bucketBound: in any span [s_i, s_j], j-i+1 <= burst + rate·(s_j - s_i).
func bucketBound(limit, burst int) func([]time.Time) error {
	return func(s []time.Time) error {
		perMs := float64(limit) / float64(window.Milliseconds())
		for i := range s {
			for j := i; j < len(s) && s[j].Sub(s[i]) <= 3*window; j++ {
				allowed := float64(burst) + perMs*float64(s[j].Sub(s[i]).Milliseconds()) + 1e-9
				if float64(j-i+1) > allowed {
					return fmt.Errorf("%d starts in [%s, %s], bound %.3f", j-i+1, s[i], s[j], allowed)
				}
			}
		}
		return nil
	}
}

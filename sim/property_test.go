package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/policy"
)

const (
	window    = 12 * time.Hour
	limit     = 5
	lookahead = 10 * time.Hour
)

// randomScenario draws a scenario under the documented policies: one to
// three clients with Poisson, periodic or explicit arrivals, retry
// behaviours, run durations from minutes to hours and some failures.
func randomScenario(seed uint64) Config {
	rng := rand.New(rand.NewPCG(seed, 99))
	horizon := time.Duration(2+rng.IntN(8)) * 24 * time.Hour
	cfg := documented(horizon)
	cfg.Seed = seed
	cfg.Schedule = policy.Every{Period: 12 * time.Hour, Anchor: at(time.Duration(rng.IntN(12*60)) * time.Minute)}
	cfg.Runs = Drawn{
		Duration: LogNormal{Median: time.Duration(2+rng.IntN(180)) * time.Minute, Sigma: 0.2 + rng.Float64()},
		Outcomes: []Outcome{{Completed, 0.7}, {CompletedWithWarnings, 0.1}, {Failed, 0.2}},
	}
	retries := []Retry{
		{Kind: GiveUp},
		{Kind: AfterRetryAfter, Delay: 10 * time.Minute, MaxAttempts: 1 + rng.IntN(4)},
		{Kind: AfterDelay, Delay: time.Duration(1+rng.IntN(120)) * time.Minute, MaxAttempts: 1 + rng.IntN(4)},
	}
	for i := range 1 + rng.IntN(3) {
		c := Client{Name: fmt.Sprintf("c%d", i), OnThrottle: retries[rng.IntN(2)], OnConflict: retries[rng.IntN(3)]}
		switch rng.IntN(3) {
		case 0:
			c.Arrivals = Poisson{Rate: []float64{0.03, 0.1, 0.5, 2}[rng.IntN(4)] * (0.5 + rng.Float64())}
		case 1:
			c.Arrivals = Periodic{First: at(time.Duration(rng.IntN(60)) * time.Minute), Every: time.Duration(10+rng.IntN(300)) * time.Minute, Jitter: time.Duration(rng.IntN(30)) * time.Minute}
		default:
			var ts At
			for tt := rng.Int64N(int64(6 * time.Hour)); tt < int64(horizon); tt += rng.Int64N(int64(8 * time.Hour)) {
				ts = append(ts, at(time.Duration(tt).Truncate(time.Second)))
			}
			c.Arrivals = ts
		}
		cfg.Clients = append(cfg.Clients, c)
	}
	return cfg
}

// spyLimiter checks, at every refusal the engine meets, that the refusal's
// Retry-After is exact: the limiter allows at now+RetryAfter and refuses a
// second earlier, if nothing else changes.
type spyLimiter struct {
	policy.Limiter
	t       *testing.T
	refused int
}

func (s *spyLimiter) Check(now time.Time) policy.Verdict {
	v := s.Limiter.Check(now)
	if !v.Allow {
		s.refused++
		require.True(s.t, s.Limiter.Check(now.Add(v.RetryAfter)).Allow, "at now+Retry-After")
		if v.RetryAfter >= time.Second {
			require.False(s.t, s.Limiter.Check(now.Add(v.RetryAfter-time.Second)).Allow, "a second before Retry-After")
		}
	}
	return v
}

func TestPropertiesOfTheDocumentedPolicies(t *testing.T) {
	var totals struct{ refused, skippedOnDemand, spared, scenarios int }
	for seed := range uint64(300) {
		cfg := randomScenario(seed)
		var spy *spyLimiter
		cfg.NewThrottle = func() (*policy.Throttle, error) {
			s, err := policy.NewSlidingLog(limit, window)
			require.NoError(t, err)
			spy = &spyLimiter{Limiter: s, t: t}
			return policy.NewThrottle(spy, policy.CountSuccessful, true, true)
		}
		rec := run(t, cfg)
		totals.scenarios++
		totals.refused += spy.refused
		name := fmt.Sprintf("seed %d", seed)

		// Runs and their fates.
		type runInfo struct {
			start    time.Time
			trigger  policy.Trigger
			finished bool
			status   RunStatus
		}
		runs := map[uint64]*runInfo{}
		for _, e := range rec.events {
			switch e.Kind {
			case RunStarted:
				runs[e.Run] = &runInfo{start: e.At, trigger: e.Trigger}
			case RunFinished:
				runs[e.Run].finished, runs[e.Run].status = true, e.RunStatus
			}
		}

		// 1. No window of 12h holds more than 5 counted runs: successful
		// runs, and runs still in progress at the horizon.
		var counted []time.Time
		for _, r := range runs {
			if !r.finished || r.status.Succeeded() {
				counted = append(counted, r.start)
			}
		}
		slices.SortFunc(counted, func(a, b time.Time) int { return a.Compare(b) })
		for i := 0; i+limit < len(counted); i++ {
			require.GreaterOrEqual(t, counted[i+limit].Sub(counted[i]), window,
				"%s: %d counted runs start in [%s, %s]", name, limit+1, counted[i], counted[i+limit])
		}

		// 2. The skip rule: a scheduled run due at S does not run if an
		// on-demand request was accepted in [S-10h, S), and is not skipped
		// for that reason otherwise.
		var acceptedAt []time.Time
		for _, e := range rec.of(Accepted) {
			acceptedAt = append(acceptedAt, e.At)
		}
		scheduledStarts := map[time.Time]bool{}
		for _, r := range runs {
			if r.trigger == policy.Scheduled {
				scheduledStarts[r.start] = true
			}
		}
		skippedOnDemand := map[time.Time]bool{}
		skipReason := map[time.Time]SkipReason{}
		for _, e := range rec.of(ScheduledSkipped) {
			skipReason[e.Nominal] = e.Reason
			if e.Reason == SkipOnDemand {
				skippedOnDemand[e.Nominal] = true
				require.False(t, e.Cause.Before(e.Nominal.Add(-lookahead)), name)
			}
		}
		for _, due := range rec.of(ScheduledDue) {
			s := due.Nominal
			within := slices.ContainsFunc(acceptedAt, func(a time.Time) bool {
				return !a.Before(s.Add(-lookahead)) && a.Before(s)
			})
			require.Equal(t, within, skippedOnDemand[s], "%s: scheduled run at %s", name, s)
			if within {
				require.False(t, scheduledStarts[s], "%s: scheduled run at %s ran", name, s)
				totals.skippedOnDemand++
			} else if slices.ContainsFunc(acceptedAt, func(a time.Time) bool { return a.Before(s) && !a.Before(s.Add(-window)) }) {
				// An on-demand start came more than 10h before: the run goes
				// ahead unless a run is in progress or the window is full.
				require.True(t, scheduledStarts[s] || skipReason[s] == SkipRunInProgress || skipReason[s] == SkipThrottled,
					"%s: scheduled run at %s neither ran nor was skipped for another reason", name, s)
				totals.spared++
			}
		}

		// 3. Every accepted request has exactly one operation, which went
		// notStarted → running → succeeded|failed, or is still running
		// with its run in progress at the horizon.
		opStatuses := map[OperationID][]OpStatus{}
		opRun := map[OperationID]uint64{}
		for _, e := range rec.events {
			switch e.Kind {
			case OperationChanged:
				opStatuses[e.Operation] = append(opStatuses[e.Operation], e.OpStatus)
			case RunStarted:
				if !e.Operation.IsZero() {
					opRun[e.Operation] = e.Run
				}
			}
		}
		seenOps := map[OperationID]bool{}
		for _, e := range rec.of(Accepted) {
			require.False(t, seenOps[e.Operation], "%s: operation %s reused", name, e.Operation)
			seenOps[e.Operation] = true
			sts := opStatuses[e.Operation]
			require.GreaterOrEqual(t, len(sts), 2, name)
			require.Equal(t, []OpStatus{OpNotStarted, OpRunning}, sts[:2], name)
			r := runs[opRun[e.Operation]]
			if len(sts) == 2 {
				require.False(t, r.finished, "%s: run finished but operation %s did not", name, e.Operation)
			} else {
				require.Len(t, sts, 3, name)
				want := OpFailed
				if r.status.Succeeded() {
					want = OpSucceeded
				}
				require.Equal(t, want, sts[2], name)
			}
		}
		require.Len(t, opStatuses, len(seenOps), "%s: operations without an accepted request", name)

		// 4. A retry at exactly now+Retry-After is not throttled when no
		// run started or failed in between.
		checkRetriesAtRetryAfter(t, name, rec)
	}
	t.Logf("%d scenarios, %d refusals checked, %d scheduled runs skipped by the 10h rule, %d spared",
		totals.scenarios, totals.refused, totals.skippedOnDemand, totals.spared)
	require.Greater(t, totals.refused, 1000, "too few refusals: the scenarios do not exercise the throttle")
	require.Greater(t, totals.skippedOnDemand, 300)
	require.Greater(t, totals.spared, 20)
}

// TestOnDemandMoreThanLookaheadBeforeDoesNotSkip: a single on-demand
// request at a random instant between 10h (exclusive) and 12h before a
// scheduled run leaves that run alone, and one at or within 10h skips it.
func TestOnDemandMoreThanLookaheadBeforeDoesNotSkip(t *testing.T) {
	for seed := range uint64(300) {
		rng := rand.New(rand.NewPCG(seed, 7))
		cfg := documented(40 * time.Hour)
		// Runs shorter than a minute: the request never meets the 14h run in progress.
		cfg.Runs = &Scripted{{Duration: time.Duration(1+rng.IntN(59)) * time.Second, Status: Completed}}
		s := at(26 * time.Hour) // the scheduled run under test; the previous one is at 14h
		before := lookahead + time.Duration(1+rng.Int64N(int64(2*time.Hour-time.Minute)/1e6))*time.Millisecond
		if seed%2 == 1 {
			before = time.Duration(rng.Int64N(int64(lookahead)/1e6)+1) * time.Millisecond
		}
		cfg.Clients = []Client{{Name: "admin", Arrivals: At{s.Add(-before)}}}
		rec := run(t, cfg)
		ran := slices.ContainsFunc(rec.of(RunStarted), func(e Event) bool { return e.Trigger == policy.Scheduled && e.At.Equal(s) })
		require.Len(t, rec.of(Accepted), 1, "seed %d", seed)
		require.Equal(t, before > lookahead, ran, "seed %d: request %s before the scheduled run", seed, before)
	}
}

func checkRetriesAtRetryAfter(t *testing.T, name string, rec *recorder) {
	type key struct {
		client  string
		request uint64
		attempt int
	}
	throttledAt := map[key]Event{}
	for i, e := range rec.events {
		switch e.Kind {
		case Throttled:
			throttledAt[key{e.Client, e.Request, e.Attempt + 1}] = e
		case RequestArrived:
			th, ok := throttledAt[key{e.Client, e.Request, e.Attempt}]
			if !ok || !e.At.Equal(th.At.Add(th.RetryAfter)) {
				continue
			}
			changed := false
			for _, between := range rec.events[:i] {
				if between.At.After(th.At) && (between.Kind == RunStarted || (between.Kind == RunFinished && !between.RunStatus.Succeeded())) {
					changed = true
				}
			}
			if changed {
				continue
			}
			answer := rec.events[i+1]
			require.NotEqual(t, Throttled, answer.Kind, "%s: retry at Retry-After throttled again: %s", name, answer.String())
		}
	}
}

func TestDeterminism(t *testing.T) {
	trace := func(cfg Config) []byte { return traceOf(t, cfg, TraceText) }
	for seed := range uint64(20) {
		a, b := trace(randomScenario(seed)), trace(randomScenario(seed))
		require.NotEmpty(t, a)
		require.Equal(t, a, b, "seed %d: same scenario and seed, different traces", seed)
		other := randomScenario(seed)
		other.Seed = seed + 1000
		require.NotEqual(t, a, trace(other), "seed %d: another seed, same trace", seed)
	}
}

func TestClientsHaveTheirOwnStreams(t *testing.T) {
	arrivals := func(cfg Config, client string) []time.Time {
		var ts []time.Time
		for _, e := range run(t, cfg).of(RequestArrived) {
			if e.Client == client && e.Attempt == 1 {
				ts = append(ts, e.At)
			}
		}
		return ts
	}
	cfg := documented(10 * 24 * time.Hour)
	cfg.Clients = []Client{{Name: "a", Arrivals: Poisson{Rate: 1}}}
	alone := arrivals(cfg, "a")
	cfg.Clients = append(cfg.Clients, Client{Name: "b", Arrivals: Poisson{Rate: 3}})
	require.NotEmpty(t, alone)
	require.Equal(t, alone, arrivals(cfg, "a"), "adding client b changed client a's arrivals")
}

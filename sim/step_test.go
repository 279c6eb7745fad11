package sim

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// external is the client of stepped requests: no arrivals of its own, and
// it gives up on refusal (it retries by sending new requests).
func external(arrivals At) Client { return Client{Name: "ext", Arrivals: arrivals} }

// TestSteppedEqualsRun: requests taken by Request at their instants give
// the same events as a Run in which the same client has them as explicit
// arrivals, whatever else the scenario holds (its own clients, retries,
// schedule, failures), as long as no other client asks in the same
// millisecond.
func TestSteppedEqualsRun(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		cfg := randomScenario(seed)
		if seed%3 == 0 {
			cfg.Clients = nil // the external client alone
		}
		rng := rand.New(rand.NewPCG(seed, 7))
		var times At
		for tt := cfg.Start.Add(time.Duration(rng.Int64N(int64(3 * time.Hour)))); tt.Before(cfg.End); tt = tt.Add(time.Duration(rng.Int64N(int64(5 * time.Hour)))) {
			times = append(times, tt.Truncate(time.Millisecond))
			if rng.IntN(5) == 0 { // two in the same millisecond
				times = append(times, tt.Truncate(time.Millisecond))
			}
		}
		stepped := string(traced(t, TraceText, func(o Observer) {
			c := cfg
			c.Clients = append(append([]Client(nil), cfg.Clients...), external(nil))
			g, err := New(c, o)
			require.NoError(t, err)
			for _, tt := range times {
				require.NoError(t, g.AdvanceTo(tt))
				_, err := g.Request("ext")
				require.NoError(t, err)
			}
			g.Finish()
		}))
		replayed := string(traced(t, TraceText, func(o Observer) {
			c := cfg
			c.Clients = append(append([]Client(nil), cfg.Clients...), external(times))
			_, err := Run(c, o)
			require.NoError(t, err)
		}))
		require.Equal(t, replayed, stepped, "seed %d", seed)
	}
}

// Six starts an hour apart under the documented rules, no schedule: five
// accepted, the sixth throttled until the first slot frees, 7 h later.
func TestRequestAnswers(t *testing.T) {
	cfg := documented(48 * time.Hour)
	cfg.Schedule = nil
	cfg.Runs = Drawn{Duration: Constant(10 * time.Minute), Outcomes: []Outcome{{Completed, 1}}}
	cfg.Clients = []Client{external(nil)}
	g, err := New(cfg)
	require.NoError(t, err)
	require.Equal(t, t0, g.Now())
	for h := range 6 {
		require.NoError(t, g.AdvanceTo(at(time.Duration(h)*time.Hour)))
		a, err := g.Request("ext")
		require.NoError(t, err)
		require.Equal(t, uint64(h+1), a.Request)
		if h < 5 {
			require.Equal(t, Accepted, a.Kind)
			require.False(t, a.Operation.IsZero())
			continue
		}
		require.Equal(t, Throttled, a.Kind)
		require.Equal(t, 7*time.Hour, a.RetryAfter)
	}
	require.NoError(t, g.AdvanceTo(at(12*time.Hour)))
	a, err := g.Request("ext")
	require.NoError(t, err)
	require.Equal(t, Accepted, a.Kind)

	_, err = g.Request("nobody")
	require.ErrorContains(t, err, `no client named "nobody"`)
	require.ErrorContains(t, g.AdvanceTo(at(time.Hour)), "cannot go back")
	require.ErrorIs(t, g.AdvanceTo(at(48*time.Hour)), ErrPastEnd)
	res := g.Finish()
	require.Equal(t, g.Events(), res.Events)
	require.Error(t, g.AdvanceTo(at(13*time.Hour)))
}

// A request during a run gets 409.
func TestRequestConflict(t *testing.T) {
	cfg := documented(24 * time.Hour)
	cfg.Schedule = nil
	cfg.Runs = Drawn{Duration: Constant(time.Hour), Outcomes: []Outcome{{Completed, 1}}}
	cfg.Clients = []Client{external(nil)}
	g, err := New(cfg)
	require.NoError(t, err)
	a, _ := g.Request("ext")
	require.Equal(t, Accepted, a.Kind)
	require.NoError(t, g.AdvanceTo(at(30*time.Minute)))
	a, _ = g.Request("ext")
	require.Equal(t, Conflict, a.Kind)
	require.NoError(t, g.AdvanceTo(at(time.Hour)))
	a, _ = g.Request("ext")
	require.Equal(t, Accepted, a.Kind, "the run finishes before a request of the same instant")
}

func TestNewRefusesDuplicateClients(t *testing.T) {
	cfg := documented(time.Hour)
	cfg.Clients = []Client{external(nil), external(nil)}
	_, err := New(cfg)
	require.ErrorContains(t, err, "two clients")
}

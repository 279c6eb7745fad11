package sim

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/policy"
)

// eventFields are the fields besides At and Kind that an event of each
// kind may set (Event's doc); every other field of it is zero.
var eventFields = map[Kind][]string{
	RequestArrived:   {"Client", "Request", "Attempt", "First"},
	Accepted:         {"Client", "Request", "Attempt", "Operation", "First"},
	Throttled:        {"Client", "Request", "Attempt", "RetryAfter", "Operation"},
	Conflict:         {"Client", "Request", "Attempt"},
	RunStarted:       {"Run", "Trigger", "Operation", "Nominal"},
	RunFinished:      {"Run", "Trigger", "RunStatus", "Operation", "First"},
	ScheduledDue:     {"Nominal"},
	ScheduledSkipped: {"Nominal", "Reason", "Cause", "RetryAfter"},
	OperationChanged: {"Client", "Operation", "OpStatus", "Polls"},
	RetryScheduled:   {"Client", "Request", "Attempt", "Next"},
	GaveUp:           {"Client", "Request", "Attempt"},
	SlotsChanged:     {"Change", "Capacity", "Slots", "Area"},
}

// fieldChecker is an observer that holds each event to eventFields, so
// that no field of an earlier event (the engine reuses one) shows through,
// and holds the fields a request's events share to the request: its
// client, the instant of a retry (its RetryScheduled's Next) and its first
// attempt (First).
type fieldChecker struct {
	t         *testing.T
	name      string
	errs      int
	prev      time.Time
	client    map[uint64]string         // by request: the client of its first attempt
	first     map[uint64]time.Time      // by request: its first attempt
	next      map[uint64]time.Time      // by request: when its retry is due
	firstOfOp map[OperationID]time.Time // by operation of an accepted request: the request's first attempt
	set       map[Kind]map[string]bool  // the fields seen set, by kind
}

func newFieldChecker(t *testing.T, name string, set map[Kind]map[string]bool) *fieldChecker {
	return &fieldChecker{t: t, name: name, set: set, client: map[uint64]string{}, first: map[uint64]time.Time{},
		next: map[uint64]time.Time{}, firstOfOp: map[OperationID]time.Time{}}
}

func (c *fieldChecker) fail(e *Event, format string, args ...any) {
	c.t.Helper()
	if c.errs++; c.errs <= 10 {
		c.t.Errorf("%s: %s %s (request %d attempt %d): %s", c.name, e.At.Format(time.RFC3339Nano), e.Kind, e.Request, e.Attempt, fmt.Sprintf(format, args...))
	}
}

func (c *fieldChecker) Observe(e *Event) {
	allowed, ok := eventFields[e.Kind]
	if !ok {
		c.fail(e, "a kind eventFields does not know")
	}
	if e.At.Before(c.prev) {
		c.fail(e, "before the previous event (%s)", c.prev.Format(time.RFC3339Nano))
	}
	c.prev = e.At
	v, typ := reflect.ValueOf(e).Elem(), reflect.TypeFor[Event]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		if name == "At" || name == "Kind" || v.Field(i).IsZero() {
			continue
		}
		if !slices.Contains(allowed, name) {
			c.fail(e, "%s is set (%v): a field its kind does not set", name, v.Field(i).Interface())
			continue
		}
		if c.set[e.Kind] == nil {
			c.set[e.Kind] = map[string]bool{}
		}
		c.set[e.Kind][name] = true
	}
	var first time.Time // what First must be
	switch e.Kind {
	case RequestArrived:
		if e.Attempt == 1 {
			c.client[e.Request], c.first[e.Request], first = e.Client, e.At, e.At
		} else if next := c.next[e.Request]; !e.At.Equal(next) {
			c.fail(e, "not at its RetryScheduled's Next, %s", next.Format(time.RFC3339Nano))
		}
	case Accepted:
		first = c.first[e.Request]
		c.firstOfOp[e.Operation] = first
	case RetryScheduled:
		c.next[e.Request] = e.Next
	case RunFinished:
		first = c.firstOfOp[e.Operation] // zero for a scheduled run
	}
	if !e.First.Equal(first) {
		c.fail(e, "First is %s, not %s", e.First.Format(time.RFC3339Nano), first.Format(time.RFC3339Nano))
	}
	switch e.Kind {
	case RequestArrived, Accepted, Throttled, Conflict, RetryScheduled, GaveUp:
		if want := c.client[e.Request]; e.Client != want {
			c.fail(e, "client %q, not the request's %q", e.Client, want)
		}
	}
}

// fieldScenarios vary the random scenarios of the documented policies
// (randomScenario) so that together they set every field eventFields
// allows: retries after 429 and 409 by every kind of retry, client
// budgets and kiota's whole-second Retry-After, refusals answered 202
// then failed, polls, scheduled runs jittered, skipped for every reason
// and delayed until idle, each skip rule, buffered and concurrent starts,
// every limiter, and a warm-up.
func fieldScenarios(seed uint64) map[string]Config {
	clients := func(cfg Config, f func(i int, c *Client)) Config {
		for i := range cfg.Clients {
			f(i, &cfg.Clients[i])
		}
		return cfg
	}
	polls := func(i int, c *Client) { c.Poll = time.Duration(1+i) * 5 * time.Minute }
	limiter := func(make func() (policy.Limiter, error), counts policy.Counting, scheduled policy.ScheduledCounting, refusal policy.Refusal) func() (*policy.Throttle, error) {
		return func() (*policy.Throttle, error) {
			th, err := throttleOf(make, counts, scheduled)()
			if th != nil {
				th.Refusal = refusal
			}
			return th, err
		}
	}
	out := map[string]Config{}

	cfg := clients(randomScenario(seed), polls)
	cfg.Jitter = policy.Jitter{Max: 30 * time.Minute, Seed: seed}
	cfg.Warmup = 12 * time.Hour
	out["documented, polled, jittered, warmed up"] = cfg

	cfg = clients(randomScenario(seed), func(i int, c *Client) {
		c.Arrivals = Poisson{Rate: 4}
		c.OnThrottle = KiotaHTTPGo()
		if i > 0 {
			c.OnThrottle = Retry{Kind: Backoff, Delay: time.Minute, Cap: time.Hour, MaxAttempts: 6, Budget: 3 * time.Hour}
		}
		c.OnConflict = Retry{Kind: Backoff, Delay: 10 * time.Minute, Cap: time.Hour, MaxAttempts: 4, Budget: 2 * time.Hour}
	})
	out["kiota and backoff within budgets"] = cfg

	cfg = clients(randomScenario(seed), func(i int, c *Client) {
		polls(i, c)
		c.Arrivals = Poisson{Rate: 1}
		c.OnThrottle = []Retry{
			{Kind: AfterRetryAfter, Delay: 5 * time.Minute, Cap: time.Hour, MaxAttempts: 4},
			{Kind: AfterDelay, Delay: 20 * time.Minute, MaxAttempts: 3},
			KiotaHTTPGo(),
		}[i]
	})
	cfg.NewThrottle = limiter(func() (policy.Limiter, error) { return policy.NewSlidingLog(2, 12*time.Hour) },
		policy.CountAttempts, policy.ScheduledThrottled, policy.AcceptThenFail)
	out["accepted then failed, counting attempts, scheduled runs throttled"] = cfg

	cfg = clients(randomScenario(seed), polls)
	cfg.Overlap = policy.Overlap{OnDemand: policy.BufferAll, Scheduled: policy.DelayUntilIdle}
	cfg.Skip = policy.AllWithin{Lookahead: 10 * time.Hour, RunStart: true}
	cfg.NewThrottle = limiter(func() (policy.Limiter, error) { return policy.NewTokenBucket(4, 12*time.Hour, 2) },
		policy.CountAccepted, policy.ScheduledCountedNeverRefused, policy.Refuse429)
	out["buffered, delayed until idle, all-within, token bucket"] = cfg

	cfg = clients(randomScenario(seed), polls)
	cfg.Overlap = policy.Overlap{OnDemand: policy.Concurrent, Scheduled: policy.BufferOne}
	cfg.Skip = policy.Reanchor{}
	cfg.NewThrottle = limiter(func() (policy.Limiter, error) { return policy.NewGCRA(3, 12*time.Hour, 2) },
		policy.CountSuccessful, policy.ScheduledNotCounted, policy.Refuse429)
	out["concurrent, re-anchored, GCRA"] = cfg

	cfg = randomScenario(seed)
	cfg.NewThrottle = limiter(func() (policy.Limiter, error) { return policy.NewFixedWindow(3, 6*time.Hour, t0) },
		policy.CountAccepted, policy.ScheduledThrottled, policy.Refuse429)
	out["fixed window"] = cfg
	return out
}

// TestEventsCarryOnlyTheirKindsFields: the engine reuses one event and
// keeps fields from one of a request's events to the next; no observer
// sees a field its event's kind does not set, or a stale request field.
// Across the scenarios every field a kind may set is set at least once,
// so the table is no looser than the engine.
func TestEventsCarryOnlyTheirKindsFields(t *testing.T) {
	set := map[Kind]map[string]bool{}
	for seed := range uint64(8) {
		for name, cfg := range fieldScenarios(seed) {
			c := newFieldChecker(t, fmt.Sprintf("%s, seed %d", name, seed), set)
			_, err := Run(cfg, c)
			require.NoError(t, err, c.name)
		}
	}
	for k, fields := range eventFields {
		for _, f := range fields {
			assert.True(t, set[k][f], "no event of kind %s sets %s: a scenario that sets it is missing", k, f)
		}
	}
}

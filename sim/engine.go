package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"time"
	"unsafe"

	"runsim/internal/enum"
	"runsim/policy"
)

// RetryKind says what a client does after a refused attempt.
type RetryKind uint8

const (
	// GiveUp abandons the request.
	GiveUp RetryKind = iota
	// AfterRetryAfter tries again exactly Retry-After later; when the
	// answer carries no Retry-After it backs off as Backoff does.
	AfterRetryAfter
	// AfterDelay tries again Delay later.
	AfterDelay
	// Backoff waits a uniform draw in [0, min(Cap, Delay·2^(n-1))) after
	// the n-th refused attempt: exponential backoff with full jitter.
	Backoff
)

// retryKindNames are the kinds' names in scenario files, by kind.
var retryKindNames = [...]string{GiveUp: "give-up", AfterRetryAfter: "after-retry-after", AfterDelay: "after-delay", Backoff: "backoff"}

func (k RetryKind) String() string { return enum.Name(retryKindNames[:], k, "RetryKind") }

// Retry is what a client does when an attempt is refused.
type Retry struct {
	Kind        RetryKind
	Delay       time.Duration // AfterDelay; the base of Backoff
	Cap         time.Duration // the longest Backoff wait
	MaxAttempts int           // attempts in all, the first included; at least 1
	// RoundUp reads a Retry-After as the whole seconds it is sent as
	// over HTTP (rounded up), as a client of runsim serve sees it.
	RoundUp bool
	// Budget, when positive, is a client timeout over all attempts: the
	// client gives up rather than retry at or after Budget from the first.
	Budget time.Duration
	// ThrottleOnly retries 429 only: on 409 the client gives up at once.
	ThrottleOnly bool
}

func (r Retry) String() string {
	if r.RoundUp || r.Budget > 0 || r.ThrottleOnly {
		return r.clientString()
	}
	switch r.Kind {
	case AfterRetryAfter:
		return fmt.Sprintf("retry after Retry-After (without one, back off from %s up to %s), at most %d attempts", fmtDur(r.Delay), fmtDur(r.Cap), r.MaxAttempts)
	case AfterDelay:
		return fmt.Sprintf("retry after %s, at most %d attempts", fmtDur(r.Delay), r.MaxAttempts)
	case Backoff:
		return fmt.Sprintf("exponential backoff with full jitter from %s up to %s, at most %d attempts", fmtDur(r.Delay), fmtDur(r.Cap), r.MaxAttempts)
	}
	return "give up"
}

// wait returns how long to wait after the attempt-th refused attempt.
func (r Retry) wait(attempt int, retryAfter time.Duration, rng *rand.Rand) time.Duration {
	switch {
	case r.Kind == AfterRetryAfter && retryAfter > 0:
		if r.RoundUp {
			return (retryAfter + time.Second - 1).Truncate(time.Second)
		}
		return retryAfter
	case r.Kind == AfterDelay:
		return r.Delay
	}
	ceiling := r.Delay
	for i := 1; i < attempt && ceiling < r.Cap; i++ {
		ceiling *= 2
	}
	if r.Cap > 0 {
		ceiling = min(ceiling, r.Cap)
	}
	if ms := ceiling.Milliseconds(); ms > 0 {
		return time.Duration(rng.Int64N(ms)) * time.Millisecond
	}
	return 0
}

// A Client sends on-demand start requests.
type Client struct {
	Name       string
	Arrivals   Arrivals
	OnThrottle Retry // after 429
	OnConflict Retry // after 409
	// Poll, when positive, is how often the client polls the Location of
	// an accepted start's operation until it finishes; the polls are
	// counted on the operation's last status change.
	Poll time.Duration
}

// Config is everything one run of the engine needs. A Config may be run any
// number of times; each run builds its own throttle with NewThrottle.
type Config struct {
	Start, End time.Time // the run covers [Start, End)
	Seed       uint64

	Schedule policy.Schedule // nil: no system-scheduled runs
	Jitter   policy.Jitter   // delays each scheduled run; zero: none
	// NewThrottle builds the throttle of one run (how scheduled runs meet
	// it is its Scheduled); nil: starts are never throttled.
	NewThrottle func() (*policy.Throttle, error)
	Skip        policy.SkipRule // nil: no skip rule
	Overlap     policy.Overlap
	Runs        RunModel

	Clients []Client

	// Warmup, when positive, is the initial transient that measurement
	// leaves out: the engine reports one more SlotsChanged event (Change
	// SlotWarmup) at Start+Warmup, so that the throttle's occupancy can be
	// measured from there (none when that is at or past End). Nothing else
	// changes: the trace is the same.
	Warmup time.Duration
}

// Result tells what a run of the engine did, beyond its events.
type Result struct {
	Start, End time.Time
	Events     uint64 // trace events reported to observers (measurement events not counted)
}

type clientState struct {
	Client
	arrivals *rand.Rand // the arrival process's own stream
	retries  *rand.Rand // backoff draws, apart so arrivals do not depend on them
	k        int
	prev     time.Time
	prevMs   int64      // prev in Unix milliseconds
	fast     msArrivals // Arrivals, when it draws in milliseconds; else nil
}

// waiting is a start accepted (or due) while runs were in progress, kept
// until the service is idle.
type waiting struct {
	trigger  policy.Trigger
	run      uint64
	op       uint64
	client   int32
	counted  bool
	accepted int64 // when it was accepted (or due)
	nominal  int64 // scheduled: the nominal instant
	first    int64 // on demand: the request's first attempt
}

// finishing is a run whose end is queued: what the queue entry of its end
// does not hold.
type finishing struct {
	run      uint64
	op       uint64 // operation number (0: none)
	accepted int64  // when the start was accepted
	first    int64  // on demand: the request's first attempt
	client   int32
	status   RunStatus
	trigger  policy.Trigger
	counted  bool // the run was recorded by the throttle
}

type engine struct {
	cfg      Config
	observer Observer // every observer: the one, a fanOut of several, or nobody
	ev       Event
	// evWide: ev may have fields set besides a request event's (see
	// emitRequest), so the next request event clears it whole. evReq: ev
	// is a request event of this request at the current instant (0: none).
	evWide bool
	evReq  uint64
	events uint64

	now      int64     // Unix milliseconds
	nowT     time.Time // now as a time, UTC: e.at(e.now), kept by setNow
	end      int64
	q        queue
	throttle *policy.Throttle
	runsRng  *rand.Rand
	clients  []clientState

	sched       policy.Schedule
	schedGen    uint32 // bumped when the schedule is re-anchored: older due work is void
	nextNominal int64  // nominal instant of the next scheduled run, or none
	skipThrough int64  // scheduled runs due at or before this are skipped
	skipCause   int64  // the on-demand start that set skipThrough

	running                      int
	waiting                      []waiting
	waitingOnDemand, waitingSche int
	lastRun, lastOp, lastRequest uint64

	// fin holds the runs in progress whose end is queued (the queue's
	// entries point into it); finFree, its entries free for reuse.
	fin     []finishing
	finFree []int32

	slots   slotMeter
	metered metered         // the throttle's limiter, measured
	own     policy.Throttle // the throttle the engine uses when it is measured
}

// slotMeter is the engine's measurement of the throttle's slots in use,
// reported as SlotsChanged events: after each Take and each Release that
// gives a slot back, at each instant the limiter says its slots fall by
// themselves (one live queue entry at a time), and at the end.
type slotMeter struct {
	lim      policy.Limiter // the throttle's own limiter; nil: nothing to measure
	capacity int
	taking   SlotChange // how the next Take counts: SlotTaken or SlotForced
	at       int64      // the instant up to which area is folded
	slots    float64    // the slots in use at the last SlotsChanged
	area     float64    // slot·seconds since the last SlotsChanged
	fallAt   int64      // the live fall entry's instant, or none
	fallGen  uint32     // the live fall entry's plan; older entries are void
}

// metered stands between the throttle and its limiter, so that the engine
// measures around every Take and Release.
type metered struct {
	policy.Limiter
	e *engine
}

// Take implements policy.Limiter.
func (m *metered) Take(now time.Time, id uint64) {
	m.e.settle()
	m.Limiter.Take(now, id)
	m.e.measure(m.e.slots.taking, true)
}

// Release implements policy.Limiter. A slot given back is reported when
// it changes what is in use (a token bucket's spent token never comes
// back; a sliding log's slot may have expired already).
func (m *metered) Release(now time.Time, id uint64, giveBack bool) {
	if !giveBack {
		m.Limiter.Release(now, id, false)
		return
	}
	m.e.settle()
	before := m.Limiter.Taken(now)
	m.Limiter.Release(now, id, true)
	m.e.measure(SlotGivenBack, m.Limiter.Taken(now) != before)
}

// settle folds the area of the slots in use up to now, before they change.
func (e *engine) settle() {
	m := &e.slots
	m.area, m.at = e.areaTo(e.now, e.nowT), e.now
}

// areaTo is the area of the slots in use since the last SlotsChanged, up
// to t (ms, at or after the instant folded so far). The engine is not
// changed.
func (e *engine) areaTo(ms int64, t time.Time) float64 {
	m := &e.slots
	if ms > m.at {
		return m.area + m.lim.Integral(e.at(m.at), t)
	}
	return m.area
}

// slotsAt is the SlotsChanged event, for why, of the slots at ms (at or
// after the instant folded so far): those in use then, and their area
// since the last SlotsChanged up to then. Both measure and Engine.Closing
// take it, so a run measured while it goes on closes as Finish would
// close it. The engine is not changed.
func (e *engine) slotsAt(ms int64, why SlotChange) Event {
	m, t := &e.slots, e.atNow(ms)
	return Event{At: t, Kind: SlotsChanged, Change: why, Capacity: int32(m.capacity), Slots: m.lim.Taken(t), Area: e.areaTo(ms, t)}
}

// measure reports the slots in use now, if report says so, and plans the
// next instant they fall by themselves.
func (e *engine) measure(why SlotChange, report bool) {
	m := &e.slots
	if report {
		ev := e.emit(SlotsChanged) // marks the event as no request's (see emitRequest)
		*ev = e.slotsAt(e.now, why)
		e.notify()
		m.slots, m.area = ev.Slots, 0
	}
	next := m.lim.NextFall(e.nowT)
	if next.IsZero() {
		return
	}
	ms := next.UnixMilli()
	if ms >= e.end || m.fallAt != none && m.fallAt <= ms {
		return // past the horizon, or the live entry comes first and plans again
	}
	m.fallGen++
	m.fallAt = ms
	e.q.push(work{at: ms, n: m.fallGen}, prioSlots, workSlots, noLane)
}

const none = int64(-1 << 63)

// Validate reports whether c can be run.
func (c *Config) Validate() error {
	switch {
	case !c.End.After(c.Start):
		return errors.New("sim: End must be after Start")
	case c.Warmup < 0:
		return errors.New("sim: Warmup must be at least 0")
	case c.Runs == nil:
		return errors.New("sim: no run model")
	}
	if _, reanchor := c.Skip.(policy.Reanchor); reanchor && c.Schedule != nil {
		if _, can := c.Schedule.(policy.Reanchorer); !can {
			return errors.New("sim: the re-anchor skip rule needs a schedule that can move (every)")
		}
	}
	if c.Overlap.OnDemand == policy.DelayUntilIdle {
		return errors.New("sim: delay-until-idle is for scheduled runs only")
	}
	for i, cl := range c.Clients {
		if cl.Arrivals == nil {
			return fmt.Errorf("sim: client %d (%s) has no arrivals", i, cl.Name)
		}
		for _, r := range []Retry{cl.OnThrottle, cl.OnConflict} {
			if r.Kind != GiveUp && r.MaxAttempts < 1 {
				return fmt.Errorf("sim: client %s: max attempts must be >= 1", cl.Name)
			}
		}
	}
	return nil
}

// Run simulates cfg from Start to End and reports every event to the
// observers, in order. Errors are for a Config that cannot be run; what
// happens in the simulation is reported as events.
func Run(cfg Config, observers ...Observer) (Result, error) {
	e, err := newEngine(cfg, observers)
	if err != nil {
		return Result{}, err
	}
	e.advance(e.end)
	e.finishRun()
	return Result{Start: cfg.Start, End: cfg.End, Events: e.events}, nil
}

// newEngine validates cfg and sets an engine at its start, with the first
// scheduled run and each client's first arrival queued.
func newEngine(cfg Config, observers []Observer) (*engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &engine{
		cfg:         cfg,
		observer:    fanOutOf(observers),
		now:         cfg.Start.UnixMilli(),
		end:         cfg.End.UnixMilli(),
		runsRng:     NewStream(cfg.Seed, "runs"),
		sched:       cfg.Schedule,
		nextNominal: none,
		skipThrough: none,
	}
	e.nowT = e.at(e.now)
	// Room for what is usually pending at once (the heap: the clients'
	// next arrivals, runs finishing, the schedule), so that the slices
	// seldom grow.
	e.q.items = make([]work, 0, 64)
	e.fin = make([]finishing, 0, 8)
	e.finFree = make([]int32, 0, 8)
	if cfg.NewThrottle != nil {
		t, err := cfg.NewThrottle()
		if err != nil {
			return nil, err
		}
		e.throttle = t
		if c := t.Limiter.Capacity(); c > 0 {
			// The engine's own copy, its limiter metered; the Config's
			// throttle is left as it is. Both live in the engine: no
			// allocation.
			e.metered = metered{Limiter: t.Limiter, e: e}
			e.own = *t
			e.own.Limiter = &e.metered
			e.throttle = &e.own
			e.slots = slotMeter{lim: t.Limiter, capacity: c, at: e.now, fallAt: none}
		}
	}
	e.planWarmup()
	if e.sched != nil {
		e.scheduleFrom(e.now)
	}
	e.q.lanes = make([]lane, min(2*len(cfg.Clients), retryLanes))
	e.clients = make([]clientState, len(cfg.Clients))
	for i, c := range cfg.Clients {
		fast, _ := c.Arrivals.(msArrivals)
		e.clients[i] = clientState{Client: c, prev: cfg.Start, prevMs: e.now, fast: fast,
			arrivals: NewStream(cfg.Seed, "client/"+c.Name), retries: NewStream(cfg.Seed, "client/"+c.Name+"/retries")}
		e.nextArrival(i)
	}
	return e, nil
}

// advance does all queued work due at or before t, in queue order.
func (e *engine) advance(t int64) {
	for {
		p, src := e.q.first()
		if p == nil || p.at > t {
			return
		}
		w := *p // the entry's place is reused by what do pushes
		e.q.drop(src)
		e.do(&w)
	}
}

// do carries out one piece of queued work at its instant.
func (e *engine) do(w *work) {
	e.setNow(w.at)
	switch w.what() {
	case workFinish:
		e.finish(w.client)
	case workScheduled:
		if w.n == e.schedGen {
			e.scheduled(int64(w.id))
		}
	case workArrival:
		e.lastRequest++
		e.request(int(w.client), e.lastRequest, 1, e.now)
		e.nextArrival(int(w.client))
	case workRetry:
		e.request(int(w.client), w.id, int(w.n), w.first)
	case workWarmup:
		e.warmup()
	case workSlots:
		if w.n == e.slots.fallGen {
			e.slots.fallAt = none
			e.settle()
			e.measure(SlotFreed, e.slots.lim.Taken(e.nowT) != e.slots.slots) // an entry planned early may find nothing freed
		}
	}
}

// finishRun closes the run at its end: the throttle's slots are measured
// once more at the horizon, so that the tail of the occupancy is counted.
func (e *engine) finishRun() {
	if e.slots.lim != nil {
		e.setNow(e.end)
		e.settle()
		e.measure(SlotHorizon, true)
	}
}

func (e *engine) at(ms int64) time.Time { return unixMilli(ms) }

// unixMilli is time.UnixMilli(ms).UTC(). It runs once per clock move and
// once per retry, so it builds the time directly (fastUnixMilli) when the
// standard library's layout is the one timeLayout checked at start.
func unixMilli(ms int64) time.Time {
	if !timeLayout {
		return time.UnixMilli(ms).UTC()
	}
	return fastUnixMilli(ms)
}

// fastUnixMilli builds the time of ms in timeRep's layout: the seconds by
// floor division, the nanoseconds in [0, 1e9). Only for timeLayout.
func fastUnixMilli(ms int64) time.Time {
	sec := ms / 1000
	if ms < 0 && sec*1000 != ms {
		sec--
	}
	var t time.Time
	*(*timeRep)(unsafe.Pointer(&t)) = timeRep{wall: uint64((ms - sec*1000) * 1e6), ext: sec + unixToInternal}
	return t
}

// timeRep is how the standard library lays out a time.Time (since Go
// 1.9): without a monotonic reading, wall holds the nanoseconds and ext
// the seconds since January 1 of year 1; a nil loc is UTC.
type timeRep struct {
	wall uint64
	ext  int64
	loc  *time.Location
}

const unixToInternal = (1969*365 + 1969/4 - 1969/100 + 1969/400) * 24 * 3600

// timeLayout reports whether time.Time is laid out as timeRep, checked
// once: first its fields (names, types, offsets) by reflection, so that
// nothing is written through unsafe into another layout, then
// fastUnixMilli against time.UnixMilli. Another layout only costs speed.
var timeLayout = func() bool {
	got, want := reflect.TypeFor[time.Time](), reflect.TypeFor[timeRep]()
	if got.Size() != want.Size() || got.NumField() != want.NumField() {
		return false
	}
	for i := range want.NumField() {
		g, w := got.Field(i), want.Field(i)
		if g.Name != w.Name || g.Type != w.Type || g.Offset != w.Offset {
			return false
		}
	}
	for _, ms := range []int64{0, 1, -1, 999, -1001, 1736121600123, -62135596800000} {
		t := fastUnixMilli(ms)
		if t != time.UnixMilli(ms).UTC() || !t.Equal(time.UnixMilli(ms)) || t.Location() != time.UTC {
			return false
		}
	}
	return true
}()

// setNow moves the clock to ms. The time of the instant is kept beside
// it: most events share their instant with the one before.
func (e *engine) setNow(ms int64) {
	if ms != e.now {
		e.now = ms
		e.nowT = e.at(ms)
		e.evReq = 0
	}
}

// emit starts a new event of kind k at the current instant; the caller sets
// its other fields and calls send.
func (e *engine) emit(k Kind) *Event {
	e.ev = Event{At: e.nowT, Kind: k}
	e.evWide = true
	return &e.ev
}

// emitRequest starts a new event of a request's kind k (RequestArrived,
// Throttled without an operation, Conflict, RetryScheduled, GaveUp) at the
// current instant, for attempt of request of client c; the caller may set
// its RetryAfter, Next and First, and no other field, then calls send.
// Most events are of these kinds: the fields no request event sets are
// cleared only when an event of another kind came between, and those of
// the request (instant, client, request) are kept from its previous event
// at the same instant (an attempt is two or three events in a row).
func (e *engine) emitRequest(k Kind, c *clientState, request uint64, attempt int) *Event {
	ev := &e.ev
	switch {
	case e.evWide:
		*ev = Event{}
		e.evWide = false
		fallthrough
	case e.evReq != request:
		ev.At, ev.Client, ev.Request = e.nowT, c.Name, request
		e.evReq = request
	}
	ev.Kind, ev.Attempt = k, attempt
	ev.RetryAfter, ev.Next, ev.First = 0, time.Time{}, time.Time{}
	return ev
}

// atNow returns ms as a time, the current instant's without a conversion.
func (e *engine) atNow(ms int64) time.Time {
	if ms == e.now {
		return e.nowT
	}
	return e.at(ms)
}

// send reports a trace event to the observers.
func (e *engine) send() {
	e.events++
	e.notify()
}

// notify reports the current event, trace or measurement, to the
// observers: one interface call, so that it is inlined.
func (e *engine) notify() { e.observer.Observe(&e.ev) }

// fanOut reports each event to several observers, in order.
type fanOut []Observer

func (f fanOut) Observe(ev *Event) {
	for _, o := range f {
		o.Observe(ev)
	}
}

// fanOutOf returns one observer for observers: the only one as it is (the
// usual case, the collector alone), one that does nothing for none.
func fanOutOf(observers []Observer) Observer {
	switch len(observers) {
	case 0:
		return nobody{}
	case 1:
		return observers[0]
	}
	return fanOut(observers)
}

type nobody struct{}

func (nobody) Observe(*Event) {}

// push queues w unless it falls at or past the end of the run.
func (e *engine) push(w work, prio uint8, what workKind) {
	if w.at < e.end {
		e.q.push(w, prio, what, noLane)
	}
}

// retryLanes is the most queue lanes the engine uses for retries: two a
// client (after 429, after 409), for the first clients.
const retryLanes = 8

// retryLane returns the queue lane of client i's retries after a refusal
// of kind k, or noLane.
func retryLane(i int, k Kind) int {
	l := 2 * i
	if k == Conflict {
		l++
	}
	if l >= retryLanes {
		return noLane
	}
	return l
}

// scheduleFrom queues the first scheduled run nominally due at or after t.
func (e *engine) scheduleFrom(t int64) {
	n := e.sched.Next(e.at(t))
	if n.IsZero() {
		e.nextNominal = none
		return
	}
	e.nextNominal = n.UnixMilli()
	actual := e.nextNominal
	if e.cfg.Jitter.Max > 0 {
		actual += e.cfg.Jitter.Delay(n, e.sched.Next(n.Add(time.Millisecond))).Milliseconds()
	}
	e.push(work{at: actual, id: uint64(e.nextNominal), n: e.schedGen}, prioScheduled, workScheduled)
}

func (e *engine) nextArrival(i int) {
	c := &e.clients[i]
	var ms int64
	if c.fast != nil {
		t, ok := c.fast.nextMs(c.k, c.prevMs, c.arrivals)
		if !ok {
			return
		}
		c.prevMs, ms = t, t
	} else {
		t, ok := c.Arrivals.Next(c.k, c.prev, c.arrivals)
		if !ok {
			return
		}
		c.prev, ms = t, t.UnixMilli()
	}
	c.k++
	ms = max(ms, e.now) // a process may not go back in time
	e.push(work{at: ms, client: int32(i)}, prioRequest, workArrival)
}

func (e *engine) scheduled(nominal int64) {
	ev := e.emit(ScheduledDue)
	ev.Nominal = e.at(nominal)
	e.send()
	e.scheduleFrom(nominal + 1)

	if nominal <= e.skipThrough {
		ev := e.skip(nominal, SkipOnDemand)
		ev.Cause = e.at(e.skipCause)
		e.send()
		return
	}
	action := e.cfg.Overlap.Decide(policy.Scheduled, e.running, e.waitingSche)
	if action == policy.Refuse {
		e.skip(nominal, SkipRunInProgress)
		e.send()
		return
	}
	if e.throttle != nil && e.throttle.Scheduled == policy.ScheduledThrottled {
		if v := e.throttle.Check(e.nowT); !v.Allow {
			e.skip(nominal, SkipThrottled).RetryAfter = v.RetryAfter
			e.send()
			return
		}
	}
	e.lastRun++
	w := waiting{trigger: policy.Scheduled, run: e.lastRun, client: -1, accepted: e.now, nominal: nominal,
		counted: e.throttle != nil && e.throttle.Scheduled != policy.ScheduledNotCounted}
	if w.counted {
		e.slots.taking = SlotTaken
		if e.throttle.Scheduled == policy.ScheduledCountedNeverRefused {
			e.slots.taking = SlotForced
		}
		e.throttle.Started(e.nowT, w.run, false)
	}
	e.startOrWait(w, action)
}

func (e *engine) skip(nominal int64, why SkipReason) *Event {
	ev := e.emit(ScheduledSkipped)
	ev.Nominal = e.at(nominal)
	ev.Reason = why
	return ev
}

// request handles attempt of request of client i, whose first attempt
// was at first.
func (e *engine) request(i int, request uint64, attempt int, first int64) {
	c := &e.clients[i]
	ev := e.emitRequest(RequestArrived, c, request, attempt)
	if attempt == 1 {
		ev.First = e.nowT
	}
	e.send()

	action := e.cfg.Overlap.Decide(policy.OnDemand, e.running, e.waitingOnDemand)
	var verdict policy.Verdict
	if action != policy.Refuse && e.throttle != nil {
		verdict = e.throttle.Check(e.nowT)
	} else {
		verdict.Allow = true
	}
	if e.throttle != nil {
		e.slots.taking = SlotForced // under attempts counting, a refused attempt takes a slot too
		if action != policy.Refuse && verdict.Allow {
			e.slots.taking = SlotTaken
		}
		e.throttle.Attempt(e.nowT)
	}
	switch {
	case action == policy.Refuse:
		e.refused(Conflict, i, request, attempt, first, 0)
		return
	case !verdict.Allow && e.throttle.Refusal == policy.AcceptThenFail:
		e.acceptedThenFailed(i, request, attempt, first, verdict.RetryAfter)
		return
	case !verdict.Allow:
		e.refused(Throttled, i, request, attempt, first, verdict.RetryAfter)
		return
	}
	e.lastOp++
	e.lastRun++
	op := operationID(e.cfg.Seed, e.lastOp)
	ev = e.emit(Accepted)
	ev.Client, ev.Request, ev.Attempt, ev.Operation, ev.First = c.Name, request, attempt, op, e.atNow(first)
	e.send()
	e.opChanged(op, OpNotStarted, c.Name, 0)
	if e.throttle != nil {
		e.slots.taking = SlotTaken
		e.throttle.Started(e.nowT, e.lastRun, true)
	}
	if e.cfg.Skip != nil && !e.cfg.Skip.FromRunStart() {
		e.applySkip()
	}
	e.startOrWait(waiting{trigger: policy.OnDemand, run: e.lastRun, op: e.lastOp, client: int32(i),
		counted: e.throttle != nil, accepted: e.now, first: first}, action)
}

// applySkip carries out the skip rule's decision for an on-demand start now.
func (e *engine) applySkip() {
	if e.sched == nil {
		return
	}
	var next time.Time
	if e.nextNominal != none {
		next = e.at(e.nextNominal)
	}
	d := e.cfg.Skip.OnDemand(e.nowT, next)
	if d.Reanchor {
		e.sched = e.sched.(policy.Reanchorer).Reanchor(e.nowT)
		e.schedGen++
		e.scheduleFrom(e.now + 1)
	}
	if through := d.Through.UnixMilli(); !d.Through.IsZero() && through > e.skipThrough {
		e.skipThrough, e.skipCause = through, e.now
	}
}

func (e *engine) refused(k Kind, i int, request uint64, attempt int, first int64, retryAfter time.Duration) {
	e.emitRequest(k, &e.clients[i], request, attempt).RetryAfter = retryAfter
	e.send()
	e.retryOrGiveUp(k, i, request, attempt, first, retryAfter, 0)
}

// retryOrGiveUp carries out what client i does after a refused attempt
// it learnt of seen milliseconds after now.
func (e *engine) retryOrGiveUp(k Kind, i int, request uint64, attempt int, first int64, retryAfter time.Duration, seen int64) {
	c := &e.clients[i]
	r := &c.OnThrottle
	if k == Conflict {
		r = &c.OnConflict
	}
	if r.Kind == GiveUp || attempt >= r.MaxAttempts || k == Conflict && r.ThrottleOnly {
		e.emitRequest(GaveUp, c, request, attempt)
		e.send()
		return
	}
	var wait time.Duration
	if r.Kind == AfterDelay {
		wait = r.Delay // as r.wait, without the call
	} else {
		wait = r.wait(attempt, retryAfter, c.retries)
	}
	next := e.now + seen + wait.Milliseconds()
	if r.Budget > 0 && next >= first+r.Budget.Milliseconds() { // a client timeout: no retry at or after it
		e.emitRequest(GaveUp, c, request, attempt)
		e.send()
		return
	}
	e.emitRequest(RetryScheduled, c, request, attempt+1).Next = e.at(next)
	e.send()
	if next < e.end {
		e.q.push(work{at: next, client: int32(i), id: request, n: uint32(attempt + 1), first: first}, prioRequest, workRetry, retryLane(i, k))
	}
}

// startOrWait starts w now, or keeps it waiting as the overlap action says.
func (e *engine) startOrWait(w waiting, action policy.Action) {
	switch action {
	case policy.Start, policy.Concurrent:
		e.startRun(w)
		return
	case policy.DelayUntilIdle:
		e.waiting = append(e.waiting, waiting{})
		copy(e.waiting[1:], e.waiting)
		e.waiting[0] = w
	default:
		e.waiting = append(e.waiting, w)
	}
	if w.trigger == policy.OnDemand {
		e.waitingOnDemand++
	} else {
		e.waitingSche++
	}
}

func (e *engine) startRun(w waiting) {
	dur, status := e.cfg.Runs.Draw(w.trigger, e.runsRng)
	e.running++
	ev := e.emit(RunStarted)
	ev.Run, ev.Trigger = w.run, w.trigger
	var op OperationID
	if w.op != 0 {
		op = operationID(e.cfg.Seed, w.op)
		ev.Operation = op
	} else {
		ev.Nominal = e.at(w.nominal)
	}
	e.send()
	if w.op != 0 {
		e.opChanged(op, OpRunning, e.clients[w.client].Name, 0)
		if e.cfg.Skip != nil && e.cfg.Skip.FromRunStart() {
			e.applySkip()
		}
	}
	ms := max(dur.Milliseconds(), 1)
	if at := e.now + ms; at < e.end {
		var i int32
		if n := len(e.finFree); n > 0 {
			i = e.finFree[n-1]
			e.finFree = e.finFree[:n-1]
		} else {
			i = int32(len(e.fin))
			e.fin = append(e.fin, finishing{})
		}
		e.fin[i] = finishing{run: w.run, op: w.op, client: w.client, status: status,
			trigger: w.trigger, counted: w.counted, accepted: w.accepted, first: w.first}
		e.q.push(work{at: at, client: i}, prioFinish, workFinish, noLane)
	}
}

func (e *engine) finish(slot int32) {
	w := e.fin[slot]
	e.finFree = append(e.finFree, slot)
	e.running--
	if w.counted {
		e.slots.taking = SlotForced // a run counted when it completes was not allowed then
		e.throttle.Finished(e.nowT, w.run, w.status.Succeeded())
	}
	ev := e.emit(RunFinished)
	ev.Run, ev.Trigger, ev.RunStatus = w.run, w.trigger, w.status
	if w.op != 0 {
		ev.Operation, ev.First = operationID(e.cfg.Seed, w.op), e.at(w.first)
	}
	e.send()
	if w.op != 0 {
		st := OpFailed
		if w.status.Succeeded() {
			st = OpSucceeded
		}
		c := &e.clients[w.client]
		polls := 0
		if c.Poll > 0 {
			p := c.Poll.Milliseconds()
			polls = int((e.now - w.accepted + p - 1) / p) // the first poll at or after the end sees it
		}
		e.opChanged(ev.Operation, st, c.Name, polls)
	}
	if e.running == 0 && len(e.waiting) > 0 {
		next := e.waiting[0]
		e.waiting = e.waiting[:copy(e.waiting, e.waiting[1:])]
		if next.trigger == policy.OnDemand {
			e.waitingOnDemand--
		} else {
			e.waitingSche--
		}
		e.startRun(next)
	}
}

func (e *engine) opChanged(op OperationID, st OpStatus, client string, polls int) {
	ev := e.emit(OperationChanged)
	ev.Operation, ev.OpStatus, ev.Client, ev.Polls = op, st, client, polls
	e.send()
}

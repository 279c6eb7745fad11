package serve

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"runsim/metrics"
	"runsim/reports"
	"runsim/scenario"
	"runsim/sim"
)

// Limits of what the emulator reads.
const (
	// MaxBodyBytes bounds a request body; a start request with a body
	// larger than this is answered 413.
	MaxBodyBytes = 4 << 10
	// MaxHeaderBytes is what runsim serve sets as http.Server.MaxHeaderBytes.
	MaxHeaderBytes = 32 << 10
	// Horizon is how far past its start the emulator's virtual time may go.
	Horizon = 100 * 365 * 24 * time.Hour
	// DefaultTraceEvents is how many events of each tenant's trace are kept
	// (the latest; about 15 MiB) unless Options.TraceEvents says otherwise.
	DefaultTraceEvents = 1 << 16
	// MaxTenants bounds the tenants (tid) an emulator keeps a service for.
	MaxTenants = 1024
	// DefaultClient names the client of the requests that come over HTTP,
	// in traces and in a replay.
	DefaultClient = "graph"
)

// Options configure a Server. The zero value is a manual clock at the
// scenario's start, no background clients, unverified tokens, Retry-After
// in seconds, no request log.
type Options struct {
	// Clock is the virtual clock; nil: a manual clock at the scenario's
	// start.
	Clock *Clock
	// Background keeps the scenario's clients, as load beside the
	// requests that come over HTTP; by default they are left out.
	Background bool
	// TokenSecret, when set, makes the emulator verify HS256 signatures
	// with it; by default signatures are not verified.
	TokenSecret []byte
	// RetryAfterDate writes Retry-After as an HTTP-date (from the virtual
	// clock) instead of whole seconds.
	RetryAfterDate bool
	// Logger receives one record per request; nil: none.
	Logger *slog.Logger
	// TraceEvents bounds the trace each tenant keeps for Trace and
	// GET /_runsim/trace: the latest TraceEvents events (about 232 bytes
	// each); 0: DefaultTraceEvents; negative: none. Once events are
	// dropped, Trace and Requests return ErrTraceTruncated and
	// GET /_runsim/trace answers 507 unless asked for the tail. The
	// summary does not depend on it.
	TraceEvents int
	// Client names the HTTP client in traces; "": DefaultClient.
	Client string
	// Observers, when set, returns observers of a tenant's events as
	// they happen (a trace file, a test's recorder).
	Observers func(tenant string) []sim.Observer
}

// Server is the emulator: the Graph surface of the industry data service's
// runs over the engine of runsim, in virtual time. It is an http.Handler,
// ready for httptest.NewServer or an http.Server, and safe for concurrent
// use. Each tenant (the token's tid) has its own service, built from the
// scenario's service section; all share one clock.
type Server struct {
	scn   *scenario.Scenario
	base  sim.Config // the engine's configuration, Start and End set per reset
	opts  Options
	clock *Clock
	log   *slog.Logger
	mux   *http.ServeMux

	mu      sync.Mutex // guards tenants and start
	tenants map[string]*tenant
	start   time.Time

	// requests numbers the requests the server answers, across tenants,
	// for their request-id, in the order they reach it: fixed for a
	// client that sends one request at a time, not for concurrent ones.
	requests atomic.Uint64
}

// New returns an emulator of the service the scenario describes.
func New(s *scenario.Scenario, opts Options) (*Server, error) {
	cfg, err := s.Config()
	if err != nil {
		return nil, err
	}
	if opts.Client == "" {
		opts.Client = DefaultClient
	}
	if opts.TraceEvents == 0 {
		opts.TraceEvents = DefaultTraceEvents
	}
	if !opts.Background {
		cfg.Clients = nil
	}
	for _, c := range cfg.Clients {
		if c.Name == opts.Client {
			return nil, fmt.Errorf("serve: the scenario has a client named %q, the name of the HTTP client; rename one", c.Name)
		}
	}
	cfg.Clients = append(cfg.Clients, sim.Client{Name: opts.Client, Arrivals: sim.At{}})
	if opts.Clock == nil {
		if opts.Clock, err = NewClock(Manual, cfg.Start, 0); err != nil {
			return nil, err
		}
	}
	srv := &Server{scn: s, base: cfg, opts: opts, clock: opts.Clock, log: opts.Logger}
	if srv.log == nil {
		srv.log = slog.New(slog.DiscardHandler)
	}
	srv.routes()
	if err := srv.reset(false); err != nil {
		return nil, err
	}
	return srv, nil
}

// reset drops every tenant's service and starts again at the clock's now
// (after moving a manual or scaled clock back to the scenario's start).
func (s *Server) reset(clockToo bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if clockToo {
		s.clock.mu.Lock()
		s.clock.reset(s.scn.File.Start.Time)
		s.clock.mu.Unlock()
	}
	s.start = s.clock.Now()
	s.tenants = map[string]*tenant{}
	_, err := s.tenantLocked(DefaultTenant)
	return err
}

// Reset drops every tenant's service and moves a manual or scaled clock
// back to the scenario's start.
func (s *Server) Reset() error { return s.reset(true) }

func (s *Server) tenantLocked(id string) (*tenant, error) {
	if t, ok := s.tenants[id]; ok {
		return t, nil
	}
	if len(s.tenants) >= MaxTenants {
		return nil, ErrTooManyTenants
	}
	cfg := s.base
	cfg.Start, cfg.End = s.start, s.start.Add(Horizon)
	var extra []sim.Observer
	if s.opts.Observers != nil {
		extra = s.opts.Observers(id)
	}
	t, err := newTenant(id, cfg, s.opts.TraceEvents, extra)
	if err != nil {
		return nil, err
	}
	s.tenants[id] = t
	return t, nil
}

// ErrTooManyTenants is returned for a tenant past MaxTenants.
var ErrTooManyTenants = errors.New("serve: too many tenants")

func (s *Server) tenant(id string) (*tenant, error) {
	if id == "" {
		id = DefaultTenant
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tenantLocked(id)
}

// locked runs f on the tenant, its engine advanced to the clock's now.
func (s *Server) locked(id string, f func(t *tenant, now time.Time) error) error {
	t, err := s.tenant(id)
	if err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	now := s.clock.Now()
	if err := t.sync(now); err != nil {
		return err
	}
	return f(t, now)
}

// Now is the virtual instant.
func (s *Server) Now() time.Time { return s.clock.Now() }

// Clock is the emulator's clock.
func (s *Server) Clock() *Clock { return s.clock }

// Advance moves the clock d forward; every tenant's scheduled runs, run
// completions and operation changes up to then happen on the way. It
// returns the new instant.
func (s *Server) Advance(d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, errors.New("serve: the clock cannot go back")
	}
	return s.AdvanceTo(s.clock.Now().Add(d))
}

// AdvanceTo moves the clock forward to t, as Advance does.
func (s *Server) AdvanceTo(t time.Time) (time.Time, error) {
	s.mu.Lock()
	end := s.start.Add(Horizon)
	s.mu.Unlock()
	if !t.Before(end) {
		return time.Time{}, fmt.Errorf("serve: %s is past the emulator's horizon (%s)", t.UTC().Format(time.RFC3339), end.Format(time.RFC3339))
	}
	now, err := s.clock.AdvanceTo(t)
	if err != nil {
		return time.Time{}, err
	}
	return now, s.syncAll()
}

// syncAll brings every tenant's engine to the clock's now.
func (s *Server) syncAll() error {
	s.mu.Lock()
	ids := sortedTenantIDs(s.tenants)
	s.mu.Unlock()
	for _, id := range ids {
		if err := s.locked(id, func(*tenant, time.Time) error { return nil }); err != nil {
			return err
		}
	}
	return nil
}

// Tenants returns the ids of the tenants seen so far, DefaultTenant first.
func (s *Server) Tenants() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sortedTenantIDs(s.tenants)
}

// Summary returns what runsim run says of the tenant's session so far
// ("" is DefaultTenant): the scenario's service, with the requests that
// came over HTTP as the explicit arrivals of the emulator's client, over
// [start, now] to the millisecond. It is read from a collector that has
// seen the session's events as they happened, without a replay: its cost
// does not grow with the requests, and it changes nothing.
func (s *Server) Summary(tenantID string) (reports.RunReport, error) {
	var sum metrics.Summary
	err := s.locked(tenantID, func(t *tenant, now time.Time) error {
		sum = t.summary(now)
		return nil
	})
	if err != nil {
		return reports.RunReport{}, err
	}
	r := reports.RunReport{Scenario: s.scn.File.Name, File: s.scn.Path, Seed: s.base.Seed, Summary: sum}
	for _, a := range s.scn.Assumptions() {
		if strings.HasPrefix(a.Key, "client ") && !s.opts.Background {
			continue
		}
		r.Assumptions = append(r.Assumptions, reports.Assumption{Key: a.Key, Value: a.Value})
	}
	r.Assumptions = append(r.Assumptions, reports.Assumption{Key: "client " + s.opts.Client, Value: "requests over HTTP (runsim serve), each a first attempt; it retries by itself"})
	return r, nil
}

// Requests returns the instants of the tenant's requests over HTTP so far,
// for a replay with runsim run (an explicit at: list of the emulator's
// client). They are read from the trace: ErrTraceTruncated once the
// emulator no longer keeps all of it (Options.TraceEvents).
func (s *Server) Requests(tenantID string) ([]time.Time, error) {
	var out []time.Time
	err := s.locked(tenantID, func(t *tenant, _ time.Time) error {
		var err error
		out, err = t.requests(s.opts.Client)
		return err
	})
	return out, err
}

// Trace writes the tenant's events so far in a trace format, whole or not
// at all: ErrTraceTruncated, writing nothing, once the emulator no longer
// keeps every event (Options.TraceEvents).
func (s *Server) Trace(tenantID string, w io.Writer, f sim.TraceFormat) error {
	return s.locked(tenantID, func(t *tenant, _ time.Time) error {
		_, err := t.writeTrace(w, f, false)
		return err
	})
}

// Start is the instant the services started (the clock's now at the last
// reset).
func (s *Server) Start() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.start
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	began := time.Now()
	now := s.clock.Now()
	n := s.requests.Add(1)
	reqID := guid(s.base.Seed, saltRequest, n)
	clientID := r.Header.Get("client-request-id")
	if clientID == "" || len(clientID) > 64 || strings.ContainsFunc(clientID, func(c rune) bool { return c < 0x21 || c > 0x7e }) {
		clientID = reqID
	}
	h := w.Header()
	h.Set("request-id", reqID)
	h.Set("client-request-id", clientID)
	h.Set("Date", now.Format(http.TimeFormat))
	rw := &statusWriter{ResponseWriter: w}
	ctx := &call{srv: s, now: now, reqID: reqID, clientID: clientID}

	handler, pattern := s.mux.Handler(r)
	if pattern == "" {
		// The mux's own 404 or 405: find which, and answer in Graph's form.
		probe := &probeWriter{header: http.Header{}}
		handler.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			h.Set("Allow", probe.header.Get("Allow"))
			ctx.fail(rw, http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("The method %s is not allowed on %s.", r.Method, r.URL.Path))
		} else {
			ctx.fail(rw, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("Resource not found for the segment '%s'.", lastSegment(r.URL.Path)))
		}
	} else {
		s.mux.ServeHTTP(rw, r.WithContext(withCall(r.Context(), ctx)))
	}
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
		slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.Int("status", rw.code()),
		slog.String("virtual_time", now.Format(time.RFC3339Nano)), slog.String("request_id", reqID),
		slog.Duration("took", time.Since(began)))
}

func lastSegment(p string) string {
	p = strings.TrimSuffix(p, "/")
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) code() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// probeWriter catches the mux's own answer.
type probeWriter struct {
	header http.Header
	status int
}

func (p *probeWriter) Header() http.Header         { return p.header }
func (p *probeWriter) Write(b []byte) (int, error) { return len(b), nil }
func (p *probeWriter) WriteHeader(code int)        { p.status = code }

// retryAfter formats a wait as Retry-After: whole seconds rounded up, or
// an HTTP-date that far past now.
func retryAfter(d time.Duration, now time.Time, date bool) string {
	secs := int64(math.Ceil(d.Seconds()))
	if date {
		return now.Add(time.Duration(secs) * time.Second).UTC().Format(http.TimeFormat)
	}
	return strconv.FormatInt(secs, 10)
}

// readSmallBody reads at most MaxBodyBytes of the body; tooLarge when more
// came.
func readSmallBody(w http.ResponseWriter, r *http.Request) (body []byte, tooLarge bool, err error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, false, nil
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, true, nil
	}
	return bytes.TrimSpace(b), false, err
}

// decodeStrict decodes one JSON object with no unknown fields.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"runsim/internal/atomicfile"
	"runsim/serve"
	"runsim/sim"
)

// serveSpec are serve's shared flags: --set. Its --quiet is its own (no
// request log), declared in serveFlags: serve takes none of the flags of
// the commands that estimate, whose --quiet is about a progress display
// and the files written.
var serveSpec = sharedSpec{set: true}

var serveUsage = `usage: runsim serve SCENARIO [flags]

Serves the service described by the scenario's service: section as a local
emulator of Microsoft Graph, in virtual time, for testing real client code:

  POST /beta/external/industryData/runs/start   (and .../runs/microsoft.graph.industryData.start)
  GET  /beta/external/industryData/operations/{id}
  GET  /beta/external/industryData/runs, runs/{id}, runs/{id}/getStatistics

Answers are Graph's: 202 with an absolute Location, 409 during a run, 429
with Retry-After in whole seconds rounded up, Graph's error body. A bearer
token is required (make one with "runsim token"); its roles or scp must hold
IndustryData-Run.Start to start, IndustryData-Run.Read.All to read runs,
IndustryData.ReadBasic.All to read operations. Each tenant (tid) has its own
service. The scenario's clients are left out unless --background.

The emulator's own endpoints, outside Graph's namespace:
  GET  /_runsim/clock                     {"now": RFC 3339}
  POST /_runsim/clock {"advance": "7h"}   or {"to": RFC 3339}: the new now;
                                          runs and operations move on the way
  GET  /_runsim/summary                   runsim run --format json, so far
  GET  /_runsim/trace                     the trace so far, JSON lines
  POST /_runsim/reset                     every service anew, the clock back
(?tenant=TID selects another tenant than the default one.)

` + scenarioArg + `
The first line written to standard error holds the URL it listens on.
SIGINT or SIGTERM end it gracefully, writing the trace if asked.

flags:
  --addr HOST:PORT     where to listen (default 127.0.0.1:8080; port 0: any
                       free port)
  --clock KIND         manual (default: time moves only when told), scaled
                       (--speed times the wall clock, from the scenario's
                       start) or system (time.Now)
  --speed X            virtual seconds per wall second for --clock scaled
                       (default 3600: an hour a second)
  --trace PATH         write the trace (.csv, .jsonl, .trace, .txt, .log) as
                       it happens, to a temporary file put in place on exit,
                       whole or not at all; another tenant's goes to PATH
                       with "-TID" before the extension; after a reset, the
                       trace of the new session
  --trace-events N     each tenant's latest N trace events kept in memory for
                       GET /_runsim/trace (default 65536; 0: none;
                       at most 4194304); --trace is not bounded by it
  --background         keep the scenario's clients, as load beside yours
  --token-secret S     verify token signatures (HS256 with S); by default
                       signatures are not verified
  --retry-after-date   write Retry-After as an HTTP-date, not seconds
  --quiet              no request log on standard error
` + serveSpec.help() + `
example:
  runsim serve scenarios/serve.yaml --addr 127.0.0.1:8765
`

// serveFlags are runsim serve's own flags.
type serveFlags struct {
	addr, clock, trace, secret   string
	speed                        float64
	traceEvents                  int
	background, dateRetry, quiet bool
}

// maxTraceEvents bounds --trace-events (about 930 MiB of events a tenant).
const maxTraceEvents = 1 << 22

func (f *serveFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "")
	fs.StringVar(&f.clock, "clock", "manual", "")
	fs.Float64Var(&f.speed, "speed", 3600, "")
	fs.IntVar(&f.traceEvents, "trace-events", serve.DefaultTraceEvents, "")
	stringFlags(fs, map[string]*string{"trace": &f.trace, "token-secret": &f.secret})
	fs.BoolVar(&f.background, "background", false, "")
	fs.BoolVar(&f.dateRetry, "retry-after-date", false, "")
	fs.BoolVar(&f.quiet, "quiet", false, "") // serve's own: no request log
}

// serveCmd serves until c.ctx is done.
func serveCmd(c *call, f *serveFlags) int {
	stderr := c.stderr
	kind, err := serve.ParseClockKind(f.clock)
	if err != nil {
		return c.fail("--clock: %v", err)
	}
	if f.traceEvents < 0 || f.traceEvents > maxTraceEvents {
		return c.fail("--trace-events: %d is out of range (0 to %d)", f.traceEvents, maxTraceEvents)
	}
	var traces *traceFiles
	if f.trace != "" {
		format, err := sim.TraceFormatFor(f.trace)
		if err != nil {
			return c.fail("--trace: %v", err)
		}
		traces = &traceFiles{path: f.trace, format: format, open: map[string]*traceFile{}}
		defer traces.abort()
	}
	s := c.s
	clock, err := serve.NewClock(kind, s.File.Start.Time, f.speed)
	if err != nil {
		return c.fail("--speed: %v", err)
	}
	opts := serve.Options{Clock: clock, Background: f.background, TokenSecret: []byte(f.secret),
		RetryAfterDate: f.dateRetry, TraceEvents: f.traceEvents}
	if opts.TraceEvents == 0 {
		opts.TraceEvents = -1 // serve.Options: negative keeps none
	}
	if traces != nil {
		opts.Observers = traces.observers
	}
	if !f.quiet {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	emu, err := serve.New(s.Scenario, opts)
	if err != nil {
		return c.fail("%s: %v", c.args[0], err)
	}
	if err := traces.failed(); err != nil {
		return c.fail("--trace: %v", err)
	}
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return c.fail("--addr: %v", err)
	}
	verified := "token signatures are NOT verified"
	if f.secret != "" {
		verified = "token signatures are verified (HS256)"
	}
	fmt.Fprintf(stderr, "runsim serve: listening on http://%s (scenario %s, clock %s at %s; %s)\n",
		ln.Addr(), s.File.Name, kind, emu.Now().Format(time.RFC3339), verified)

	hs := &http.Server{
		Handler:           emu,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    serve.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(slog.NewTextHandler(stderr, nil), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case err = <-served:
		return c.fail("%v", err)
	case <-c.ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		fmt.Fprintf(stderr, "runsim serve: shutting down: %v\n", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "runsim serve: %v\n", err)
	}
	if err := traces.commit(); err != nil {
		return c.fail("--trace: %v", err)
	}
	fmt.Fprintln(stderr, "runsim serve: stopped")
	return exitOK
}

// tracePathFor is where a tenant's trace goes: path for the default
// tenant, path with "-TID" before the extension for another.
func tracePathFor(path, tenant string) string {
	if tenant == serve.DefaultTenant {
		return path
	}
	ext := filepath.Ext(path)
	safe := strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, tenant)
	return strings.TrimSuffix(path, ext) + "-" + safe + ext
}

// traceFiles streams each tenant's trace to a file being written beside
// its destination, put in place whole on exit. A tenant's service made anew
// (POST /_runsim/reset) starts its file anew, so the file holds the trace of
// the session the emulator ends with, as GET /_runsim/trace does.
type traceFiles struct {
	path   string
	format sim.TraceFormat

	mu   sync.Mutex // the emulator asks for observers under its own lock; commit runs after it stops
	open map[string]*traceFile
	err  error // the first file that could not be started
}

type traceFile struct {
	file *atomicfile.File
	w    *sim.TraceWriter
}

// observers starts the trace file of a tenant's new service (serve.Options.Observers).
func (t *traceFiles) observers(tenant string) []sim.Observer {
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.open[tenant]; ok {
		old.file.Abort()
		delete(t.open, tenant)
	}
	file, err := atomicfile.Create(tracePathFor(t.path, tenant))
	if err != nil {
		if t.err == nil {
			t.err = err
		}
		return nil
	}
	tf := &traceFile{file: file, w: sim.NewTraceWriter(file, t.format)}
	t.open[tenant] = tf
	return []sim.Observer{tf.w}
}

// failed is the first trace file that could not be started; nil for no --trace.
func (t *traceFiles) failed() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// commit puts every trace file in place, in the order of the tenants'
// names; the first error is returned and the files after it are dropped.
func (t *traceFiles) commit() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return t.err
	}
	for _, tenant := range slices.Sorted(maps.Keys(t.open)) {
		tf := t.open[tenant]
		if err := tf.w.Flush(); err != nil {
			return fmt.Errorf("%s: %w", tf.file.Dest, err)
		}
		if err := tf.file.Commit(); err != nil {
			return err
		}
		delete(t.open, tenant)
	}
	return nil
}

// abort drops the trace files not put in place.
func (t *traceFiles) abort() {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, tf := range t.open {
		tf.file.Abort()
	}
}

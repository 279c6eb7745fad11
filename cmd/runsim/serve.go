package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"runsim/internal/atomicfile"
	"runsim/scenario"
	"runsim/serve"
	"runsim/sim"
)

const serveUsage = `usage: runsim serve FILE [flags]

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
  --trace PATH         on exit, write the trace (.csv, .jsonl, .trace, .txt,
                       .log), whole or not at all; another tenant's goes to
                       PATH with "-TID" before the extension
  --background         keep the scenario's clients, as load beside yours
  --token-secret S     verify token signatures (HS256 with S); by default
                       signatures are not verified
  --retry-after-date   write Retry-After as an HTTP-date, not seconds
  --quiet              no request log on standard error
  --set path=value     override a scenario field (repeatable)

example:
  runsim serve scenarios/serve.yaml --addr 127.0.0.1:8765
`

// serveFlags are runsim serve's own flags.
type serveFlags struct {
	setFlags
	addr, clock, trace, secret   string
	speed                        float64
	background, dateRetry, quiet bool
}

func (f *serveFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:8080", "")
	fs.StringVar(&f.clock, "clock", "manual", "")
	fs.Float64Var(&f.speed, "speed", 3600, "")
	stringFlags(fs, map[string]*string{"trace": &f.trace, "token-secret": &f.secret})
	fs.BoolVar(&f.background, "background", false, "")
	fs.BoolVar(&f.dateRetry, "retry-after-date", false, "")
	fs.BoolVar(&f.quiet, "quiet", false, "")
	f.setFlags.declare(fs)
}

// serveCmd serves until c.ctx is done.
func serveCmd(c *call, f *serveFlags) int {
	stderr := c.stderr
	kind, err := serve.ParseClockKind(f.clock)
	if err != nil {
		return c.fail("--clock: %v", err)
	}
	var traceFormat sim.TraceFormat
	if f.trace != "" {
		if traceFormat, err = sim.TraceFormatFor(f.trace); err != nil {
			return c.fail("--trace: %v", err)
		}
	}
	s, err := scenario.Load(c.args[0], f.sets...)
	if err != nil {
		return c.fail("%v", err)
	}
	clock, err := serve.NewClock(kind, s.File.Start.Time, f.speed)
	if err != nil {
		return c.fail("--speed: %v", err)
	}
	opts := serve.Options{Clock: clock, Background: f.background, TokenSecret: []byte(f.secret), RetryAfterDate: f.dateRetry}
	if !f.quiet {
		opts.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	emu, err := serve.New(s, opts)
	if err != nil {
		return c.fail("%s: %v", c.args[0], err)
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
	if f.trace != "" {
		for _, tenant := range emu.Tenants() {
			if err := writeServeTrace(emu, tenant, tracePathFor(f.trace, tenant), traceFormat); err != nil {
				return c.fail("--trace: %v", err)
			}
		}
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

func writeServeTrace(emu *serve.Server, tenant, path string, f sim.TraceFormat) error {
	out, err := atomicfile.Create(path)
	if err != nil {
		return err
	}
	defer out.Abort()
	if err := emu.Trace(tenant, out, f); err != nil {
		return err
	}
	return out.Commit()
}

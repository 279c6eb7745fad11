package serve

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"runsim/policy"
	"runsim/scenario"
	"runsim/sim"
)

// Prefix is the path of the industry data namespace under Graph's beta.
const Prefix = "/beta/external/industryData"

// ControlPrefix is the path of the emulator's own endpoints, outside
// Graph's namespace.
const ControlPrefix = "/_runsim"

func (s *Server) routes() {
	m := http.NewServeMux()
	start := s.auth(PermRunStart, s.handleStart)
	m.HandleFunc("POST "+Prefix+"/runs/start", start)
	m.HandleFunc("POST "+Prefix+"/runs/microsoft.graph.industryData.start", start)
	m.HandleFunc("GET "+Prefix+"/operations/{id}", s.auth(PermReadBasic, s.handleOperation))
	m.HandleFunc("GET "+Prefix+"/runs", s.auth(PermRunReadAll, s.handleRuns))
	m.HandleFunc("GET "+Prefix+"/runs/{id}", s.auth(PermRunReadAll, s.handleRun))
	stats := s.auth(PermRunReadAll, s.handleStatistics)
	m.HandleFunc("GET "+Prefix+"/runs/{id}/getStatistics", stats)
	m.HandleFunc("GET "+Prefix+"/runs/{id}/microsoft.graph.industryData.getStatistics()", stats)
	m.HandleFunc("GET "+Prefix+"/runs/{id}/microsoft.graph.industryData.getStatistics", stats)

	m.HandleFunc("GET "+ControlPrefix+"/clock", s.handleClock)
	m.HandleFunc("POST "+ControlPrefix+"/clock", s.handleClock)
	m.HandleFunc("GET "+ControlPrefix+"/summary", s.handleSummary)
	m.HandleFunc("GET "+ControlPrefix+"/trace", s.handleTrace)
	m.HandleFunc("POST "+ControlPrefix+"/reset", s.handleReset)
	s.mux = m
}

// call is what one request carries through the handlers.
type call struct {
	srv             *Server
	now             time.Time
	reqID, clientID string
	claims          *Claims
}

type callKey struct{}

func withCall(ctx context.Context, c *call) context.Context {
	return context.WithValue(ctx, callKey{}, c)
}

func callOf(r *http.Request) *call { return r.Context().Value(callKey{}).(*call) }

// fail answers with Graph's error body.
func (c *call) fail(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, publicError{Error: errorDetail{Code: code, Message: message,
		InnerError: innerError{Date: c.now.UTC().Format("2006-01-02T15:04:05"), RequestID: c.reqID, ClientRequestID: c.clientID}}})
}

// internal answers an engine or I/O error.
func (c *call) internal(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrTooManyTenants) {
		c.fail(w, http.StatusServiceUnavailable, "ServiceUnavailable", fmt.Sprintf("The emulator keeps at most %d tenants; POST /_runsim/reset starts anew.", MaxTenants))
		return
	}
	if errors.Is(err, sim.ErrPastEnd) {
		c.fail(w, http.StatusServiceUnavailable, "ServiceUnavailable", "The emulator's virtual time is past its horizon.")
		return
	}
	c.fail(w, http.StatusInternalServerError, "InternalServerError", err.Error())
}

// auth requires a bearer token that grants perm.
func (s *Server) auth(perm string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := callOf(r)
		claims, err := authenticate(r.Header.Get("Authorization"), s.opts.TokenSecret, c.now)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"`)
			c.fail(w, http.StatusUnauthorized, "InvalidAuthenticationToken", err.Error())
			return
		}
		if !claims.has(perm) {
			c.fail(w, http.StatusForbidden, "Authorization_RequestDenied",
				fmt.Sprintf("Insufficient privileges to complete the operation: the token needs %s in roles (application) or scp (delegated).", perm))
			return
		}
		c.claims = claims
		next(w, r)
	}
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (s *Server) handleStart(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	body, tooLarge, err := readSmallBody(w, r)
	switch {
	case tooLarge:
		c.fail(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("runs/start takes no request body; this one is over %d bytes.", MaxBodyBytes))
		return
	case err != nil:
		c.fail(w, http.StatusBadRequest, "BadRequest", "The request body could not be read: "+err.Error())
		return
	case len(body) > 0:
		c.fail(w, http.StatusBadRequest, "BadRequest", "runs/start takes no request body.")
		return
	}
	var a sim.Answer
	err = s.locked(c.claims.tenant(), func(t *tenant, now time.Time) error {
		var err error
		a, err = t.eng.Request(s.opts.Client)
		c.now = now
		return err
	})
	w.Header().Set("Date", c.now.Format(http.TimeFormat)) // the instant the engine took it
	if err != nil {
		c.internal(w, err)
		return
	}
	switch {
	case a.Kind == sim.Accepted, a.Kind == sim.Throttled && !a.Operation.IsZero(): // refusal: accepted-then-failed
		w.Header().Set("Location", baseURL(r)+Prefix+"/operations/"+a.Operation.String())
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusAccepted)
	case a.Kind == sim.Throttled:
		if a.RetryAfter > 0 {
			w.Header().Set("Retry-After", retryAfter(a.RetryAfter, c.now, s.opts.RetryAfterDate))
		}
		c.fail(w, http.StatusTooManyRequests, "TooManyRequests", throttledText(a.RetryAfter))
	default:
		c.fail(w, http.StatusConflict, "Conflict", "A run is in progress; the service takes no other start now.")
	}
}

func (s *Server) handleOperation(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	id := r.PathValue("id")
	var out *longRunningOperation
	forgot := uint64(0)
	err := s.locked(c.claims.tenant(), func(t *tenant, _ time.Time) error {
		op := t.ops[id]
		if op == nil {
			forgot = t.forgot
			return nil
		}
		o := longRunningOperation{Context: baseURL(r) + "/beta/$metadata#microsoft.graph.longRunningOperation",
			Type: "#microsoft.graph.longRunningOperation", ID: op.id,
			CreatedDateTime: op.created, LastActionDateTime: op.last, Status: op.status.String()}
		runID := ""
		if op.run != nil {
			runID = op.run.id
			loc := baseURL(r) + Prefix + "/runs/" + runID
			o.ResourceLocation = &loc
		}
		detail := opStatusText(op.status, runID)
		if op.refused != "" && op.status == sim.OpFailed {
			detail = op.refused
		}
		o.StatusDetail = &detail
		out = &o
		return nil
	})
	switch {
	case err != nil:
		c.internal(w, err)
	case out == nil && forgot > 0:
		c.fail(w, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("No operation with id '%s'. (The emulator keeps the operations of the latest %d refused starts; it has forgotten %d.)", id, KeptRefusedOperations, forgot))
	case out == nil:
		c.fail(w, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("No operation with id '%s'.", id))
	default:
		writeJSON(w, http.StatusOK, out)
	}
}

func runJSON(r *run) industryDataRun {
	out := industryDataRun{Type: "#microsoft.graph.industryData.industryDataRun", ID: r.id,
		DisplayName: "Scheduled run", StartDateTime: r.start, Status: r.status.String()}
	if r.trigger == policy.OnDemand {
		out.DisplayName = "On-demand run"
	}
	if !r.end.IsZero() {
		end := r.end
		out.EndDateTime = &end
	}
	if r.status == sim.Failed {
		out.BlockingError = &errorDetail{Code: "RunFailed", Message: "The run was cancelled by the system."}
	}
	return out
}

// MaxTop is the largest page of runs.
const MaxTop = 999

func (s *Server) handleRuns(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	q := r.URL.Query()
	top, skip := 100, 0
	if v := q.Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxTop {
			c.fail(w, http.StatusBadRequest, "BadRequest", fmt.Sprintf("$top must be a whole number from 1 to %d.", MaxTop))
			return
		}
		top = n
	}
	if v := q.Get("$skiptoken"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			c.fail(w, http.StatusBadRequest, "BadRequest", "The $skiptoken is not valid.")
			return
		}
		skip = n
	}
	out := runCollection{Context: baseURL(r) + "/beta/$metadata#external/industryData/runs", Value: []industryDataRun{}}
	err := s.locked(c.claims.tenant(), func(t *tenant, _ time.Time) error {
		page, more := t.listRuns(skip, top)
		for _, run := range page {
			out.Value = append(out.Value, runJSON(run))
		}
		if more {
			out.NextLink = fmt.Sprintf("%s%s/runs?$top=%d&$skiptoken=%d", baseURL(r), Prefix, top, skip+top)
		}
		return nil
	})
	if err != nil {
		c.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// findRun answers 404 itself when the run is unknown.
func (s *Server) findRun(w http.ResponseWriter, r *http.Request, f func(run *run)) {
	c := callOf(r)
	id := r.PathValue("id")
	if id == "start" || id == "microsoft.graph.industryData.start" {
		w.Header().Set("Allow", http.MethodPost)
		c.fail(w, http.StatusMethodNotAllowed, "MethodNotAllowed", fmt.Sprintf("The method %s is not allowed on %s.", r.Method, r.URL.Path))
		return
	}
	found := false
	err := s.locked(c.claims.tenant(), func(t *tenant, _ time.Time) error {
		if run := t.runIDs[id]; run != nil {
			found = true
			f(run)
		}
		return nil
	})
	switch {
	case err != nil:
		c.internal(w, err)
	case !found:
		c.fail(w, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("No run with id '%s'.", id))
	}
}

func (s *Server) handleRun(w http.ResponseWriter, r *http.Request) {
	s.findRun(w, r, func(run *run) {
		out := runJSON(run)
		out.Context = baseURL(r) + "/beta/$metadata#external/industryData/runs/$entity"
		writeJSON(w, http.StatusOK, out)
	})
}

func (s *Server) handleStatistics(w http.ResponseWriter, r *http.Request) {
	s.findRun(w, r, func(run *run) {
		writeJSON(w, http.StatusOK, industryDataRunStatistics{
			Context: baseURL(r) + "/beta/$metadata#microsoft.graph.industryData.industryDataRunStatistics",
			Type:    "#microsoft.graph.industryData.industryDataRunStatistics",
			RunID:   run.id, Status: run.status.String(), ActivityStatistics: []struct{}{},
			InboundTotals: inboundStatsAgg{Type: "#microsoft.graph.industryData.aggregatedInboundStatistics",
				MatchedPeopleByRole: []struct{}{}, UnmatchedPeopleByRole: []struct{}{}},
		})
	})
}

type clockJSON struct {
	Now time.Time `json:"now"`
}

func (s *Server) handleClock(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	if r.Method == http.MethodGet {
		writeJSON(w, http.StatusOK, clockJSON{Now: s.clock.Now()})
		return
	}
	body, tooLarge, err := readSmallBody(w, r)
	if tooLarge || err != nil {
		c.fail(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", fmt.Sprintf("The body is over %d bytes.", MaxBodyBytes))
		return
	}
	var req struct {
		Advance *string    `json:"advance"`
		To      *time.Time `json:"to"`
	}
	if err := decodeStrict(body, &req); err != nil || (req.Advance == nil) == (req.To == nil) {
		c.fail(w, http.StatusBadRequest, "BadRequest", `Send {"advance": "7h"} or {"to": "2025-01-06T12:00:00Z"}.`)
		return
	}
	var now time.Time
	if req.Advance != nil {
		d, perr := scenario.ParseDuration(*req.Advance)
		if perr != nil {
			c.fail(w, http.StatusBadRequest, "BadRequest", "advance: "+perr.Error())
			return
		}
		now, err = s.Advance(d)
	} else {
		now, err = s.AdvanceTo(*req.To)
	}
	if err != nil {
		c.fail(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, clockJSON{Now: now})
}

func (s *Server) handleSummary(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	rep, err := s.Summary(r.URL.Query().Get("tenant"))
	if err != nil {
		c.internal(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := rep.WriteJSON(w); err != nil {
		s.log.Warn("writing the summary", "err", err)
	}
}

// TraceDroppedHeader is the header of GET /_runsim/trace?tail=true that
// says how many of the trace's first events the emulator no longer keeps.
const TraceDroppedHeader = "Runsim-Trace-Dropped"

func (s *Server) handleTrace(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	q := r.URL.Query()
	tail := false
	if v := q.Get("tail"); v != "" {
		var err error
		if tail, err = strconv.ParseBool(v); err != nil {
			c.fail(w, http.StatusBadRequest, "BadRequest", "tail must be true or false.")
			return
		}
	}
	var buf []byte
	var dropped uint64
	err := s.locked(q.Get("tenant"), func(t *tenant, _ time.Time) error {
		var b bytesBuffer
		var err error
		dropped, err = t.writeTrace(&b, sim.TraceJSONL, tail)
		buf = b
		return err
	})
	if errors.Is(err, ErrTraceTruncated) {
		c.fail(w, http.StatusInsufficientStorage, "TraceTooLong", err.Error()+"; GET /_runsim/trace?tail=true gives the events kept.")
		return
	}
	if err != nil {
		c.internal(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/jsonl; charset=utf-8")
	if tail {
		w.Header().Set(TraceDroppedHeader, strconv.FormatUint(dropped, 10))
	}
	w.Write(buf)
}

// bytesBuffer is a minimal io.Writer into a byte slice.
type bytesBuffer []byte

func (b *bytesBuffer) Write(p []byte) (int, error) { *b = append(*b, p...); return len(p), nil }

func (s *Server) handleReset(w http.ResponseWriter, r *http.Request) {
	c := callOf(r)
	if err := s.Reset(); err != nil {
		c.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, clockJSON{Now: s.clock.Now()})
}

package serve_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/scenario"
	"runsim/serve"
	"runsim/sim"
)

var t0 = time.Date(2025, 1, 6, 0, 0, 0, 0, time.UTC)

// serveScenario is the walkthrough's scenario, with overrides.
func serveScenario(tb testing.TB, overrides ...string) *scenario.Scenario {
	tb.Helper()
	s, err := scenario.Load("../scenarios/serve.yaml", overrides...)
	require.NoError(tb, err)
	return s
}

// newEmulator serves the walkthrough's scenario, with overrides, on a
// loopback port (127.0.0.1:0) until the test ends.
func newEmulator(tb testing.TB, opts serve.Options, overrides ...string) (*serve.Server, *httptest.Server) {
	tb.Helper()
	emu, err := serve.New(serveScenario(tb, overrides...), opts)
	require.NoError(tb, err)
	ts := httptest.NewServer(emu)
	tb.Cleanup(ts.Close)
	return emu, ts
}

func token(t *testing.T, roles ...string) string {
	t.Helper()
	tok, err := serve.NewToken(serve.TokenOptions{Roles: roles})
	require.NoError(t, err)
	return tok
}

var allRoles = []string{serve.PermRunStart, serve.PermRunReadAll, serve.PermReadBasic}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url, tok, body string) answer {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	require.NoError(t, err)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return answer{res.StatusCode, res.Header, b}
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return v
}

type graphError struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			Date            string `json:"date"`
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

type operation struct {
	Type             string    `json:"@odata.type"`
	ID               string    `json:"id"`
	Created          time.Time `json:"createdDateTime"`
	LastAction       time.Time `json:"lastActionDateTime"`
	Status           string    `json:"status"`
	StatusDetail     string    `json:"statusDetail"`
	ResourceLocation string    `json:"resourceLocation"`
}

type run struct {
	ID          string     `json:"id"`
	DisplayName string     `json:"displayName"`
	Start       time.Time  `json:"startDateTime"`
	End         *time.Time `json:"endDateTime"`
	Status      string     `json:"status"`
}

// The walkthrough of the README, against httptest: six starts an hour apart
// give five 202s and a 429 whose Retry-After is the exact wait rounded up;
// after that long, a start is accepted again; every Location resolves; a
// missing token gives 401 and a token without the permission 403.
func TestWalkthrough(t *testing.T) {
	_, ts := newEmulator(t, serve.Options{})
	tok := token(t, allRoles...)
	start := ts.URL + serve.Prefix + "/runs/start"
	clock := ts.URL + serve.ControlPrefix + "/clock"

	var locations []string
	for h := range 6 {
		if h > 0 {
			a := do(t, "POST", clock, "", `{"advance": "1h"}`)
			require.Equal(t, http.StatusOK, a.status, string(a.body))
		}
		a := do(t, "POST", start, tok, "")
		assert.Equal(t, t0.Add(time.Duration(h)*time.Hour).Format(http.TimeFormat), a.header.Get("Date"))
		assert.NotEmpty(t, a.header.Get("request-id"))
		if h < 5 {
			require.Equal(t, http.StatusAccepted, a.status, string(a.body))
			loc := a.header.Get("Location")
			require.True(t, strings.HasPrefix(loc, ts.URL+serve.Prefix+"/operations/"), loc)
			locations = append(locations, loc)
			continue
		}
		require.Equal(t, http.StatusTooManyRequests, a.status)
		assert.Equal(t, "25200", a.header.Get("Retry-After"), "7 h: the first of five slots frees at 12:00")
		e := decode[graphError](t, a.body)
		assert.Equal(t, "TooManyRequests", e.Error.Code)
		assert.Equal(t, "2025-01-06T05:00:00", e.Error.InnerError.Date)
		assert.Equal(t, a.header.Get("request-id"), e.Error.InnerError.RequestID)
	}
	a := do(t, "POST", clock, "", `{"advance": "25200s"}`)
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	assert.JSONEq(t, `{"now":"2025-01-06T12:00:00Z"}`, string(a.body))
	a = do(t, "POST", ts.URL+serve.Prefix+"/runs/microsoft.graph.industryData.start", tok, "")
	require.Equal(t, http.StatusAccepted, a.status, string(a.body))
	locations = append(locations, a.header.Get("Location"))

	for i, loc := range locations {
		a := do(t, "GET", loc, tok, "")
		require.Equal(t, http.StatusOK, a.status, string(a.body))
		op := decode[operation](t, a.body)
		assert.Equal(t, "#microsoft.graph.longRunningOperation", op.Type)
		assert.True(t, strings.HasSuffix(loc, "/"+op.ID))
		if i < 5 {
			assert.Equal(t, "succeeded", op.Status)
			assert.Equal(t, t0.Add(time.Duration(i)*time.Hour+10*time.Minute), op.LastAction)
		} else {
			assert.Equal(t, "running", op.Status)
		}
		assert.Equal(t, t0.Add(time.Duration(i)*time.Hour), op.Created.Add(-map[bool]time.Duration{true: 7 * time.Hour}[i == 5]))
		r := do(t, "GET", op.ResourceLocation, tok, "")
		require.Equal(t, http.StatusOK, r.status, string(r.body))
		got := decode[run](t, r.body)
		assert.Equal(t, "On-demand run", got.DisplayName)
		assert.Equal(t, op.Created, got.Start)
		s := do(t, "GET", op.ResourceLocation+"/microsoft.graph.industryData.getStatistics()", tok, "")
		require.Equal(t, http.StatusOK, s.status, string(s.body))
		stats := decode[map[string]any](t, s.body)
		assert.Equal(t, got.ID, stats["runId"])
		assert.Equal(t, got.Status, stats["status"])
	}

	a = do(t, "POST", start, "", "")
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.Equal(t, "InvalidAuthenticationToken", decode[graphError](t, a.body).Error.Code)
	a = do(t, "POST", start, token(t, serve.PermRunReadAll), "")
	assert.Equal(t, http.StatusForbidden, a.status)
	assert.Contains(t, decode[graphError](t, a.body).Error.Message, serve.PermRunStart)
	a = do(t, "GET", locations[0], token(t, serve.PermRunStart), "")
	assert.Equal(t, http.StatusForbidden, a.status, "reading operations needs IndustryData.ReadBasic.All")
}

func TestRunsPaging(t *testing.T) {
	_, ts := newEmulator(t, serve.Options{})
	tok := token(t, allRoles...)
	for range 3 {
		require.Equal(t, http.StatusAccepted, do(t, "POST", ts.URL+serve.Prefix+"/runs/start", tok, "").status)
		do(t, "POST", ts.URL+serve.ControlPrefix+"/clock", "", `{"advance": "1h"}`)
	}
	type page struct {
		Context  string `json:"@odata.context"`
		NextLink string `json:"@odata.nextLink"`
		Value    []run  `json:"value"`
	}
	var all []run
	next := ts.URL + serve.Prefix + "/runs?$top=2"
	for next != "" {
		a := do(t, "GET", next, tok, "")
		require.Equal(t, http.StatusOK, a.status, string(a.body))
		p := decode[page](t, a.body)
		assert.NotEmpty(t, p.Context)
		all = append(all, p.Value...)
		next = p.NextLink
	}
	require.Len(t, all, 3)
	for i, r := range all {
		assert.Equal(t, t0.Add(time.Duration(i)*time.Hour), r.Start)
		assert.Equal(t, "completed", r.Status)
		require.NotNil(t, r.End)
	}
	assert.Equal(t, http.StatusBadRequest, do(t, "GET", ts.URL+serve.Prefix+"/runs?$top=0", tok, "").status)
}

func TestErrorsInGraphForm(t *testing.T) {
	_, ts := newEmulator(t, serve.Options{})
	tok := token(t, allRoles...)
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"unknown path", "GET", serve.Prefix + "/nothing", "", 404, "ResourceNotFound"},
		{"outside the namespace", "GET", "/v1.0/me", "", 404, "ResourceNotFound"},
		{"wrong method on start", "GET", serve.Prefix + "/runs/start", "", 405, "MethodNotAllowed"},
		{"wrong method on an operation", "DELETE", serve.Prefix + "/operations/x", "", 405, "MethodNotAllowed"},
		{"unknown operation", "GET", serve.Prefix + "/operations/x", "", 404, "ResourceNotFound"},
		{"unknown run", "GET", serve.Prefix + "/runs/x", "", 404, "ResourceNotFound"},
		{"a body on start", "POST", serve.Prefix + "/runs/start", `{"x":1}`, 400, "BadRequest"},
		{"a large body on start", "POST", serve.Prefix + "/runs/start", strings.Repeat("x", serve.MaxBodyBytes+1), 413, "RequestEntityTooLarge"},
		{"a bad clock request", "POST", serve.ControlPrefix + "/clock", `{"advance":"7h","to":"2025-01-06T00:00:00Z"}`, 400, "BadRequest"},
		{"the clock going back", "POST", serve.ControlPrefix + "/clock", `{"to":"2024-01-01T00:00:00Z"}`, 400, "BadRequest"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, tc.method, ts.URL+tc.path, tok, tc.body)
			require.Equal(t, tc.status, a.status, string(a.body))
			e := decode[graphError](t, a.body)
			assert.Equal(t, tc.code, e.Error.Code)
			assert.NotEmpty(t, e.Error.Message)
			assert.Equal(t, a.header.Get("request-id"), e.Error.InnerError.RequestID)
			if tc.status == 405 {
				assert.NotEmpty(t, a.header.Get("Allow"))
			}
		})
	}
}

func TestRetryAfterDate(t *testing.T) {
	_, ts := newEmulator(t, serve.Options{RetryAfterDate: true})
	tok := token(t, allRoles...)
	var last answer
	for range 6 {
		last = do(t, "POST", ts.URL+serve.Prefix+"/runs/start", tok, "")
		do(t, "POST", ts.URL+serve.ControlPrefix+"/clock", "", `{"advance": "1h"}`)
	}
	require.Equal(t, http.StatusTooManyRequests, last.status)
	assert.Equal(t, "Mon, 06 Jan 2025 12:00:00 GMT", last.header.Get("Retry-After"))
}

func TestTenantsApart(t *testing.T) {
	srv, ts := newEmulator(t, serve.Options{})
	other, err := serve.NewToken(serve.TokenOptions{Roles: allRoles, Tenant: "contoso"})
	require.NoError(t, err)
	tok := token(t, allRoles...)
	require.Equal(t, http.StatusAccepted, do(t, "POST", ts.URL+serve.Prefix+"/runs/start", tok, "").status)
	require.Equal(t, http.StatusConflict, do(t, "POST", ts.URL+serve.Prefix+"/runs/start", tok, "").status)
	require.Equal(t, http.StatusAccepted, do(t, "POST", ts.URL+serve.Prefix+"/runs/start", other, "").status, "another tenant, another service")
	assert.Equal(t, []string{serve.DefaultTenant, "contoso"}, srv.Tenants())
}

func TestVerifiedTokens(t *testing.T) {
	_, ts := newEmulator(t, serve.Options{TokenSecret: []byte("s3cret")})
	good, err := serve.NewToken(serve.TokenOptions{Roles: allRoles, Secret: []byte("s3cret")})
	require.NoError(t, err)
	assert.Equal(t, http.StatusAccepted, do(t, "POST", ts.URL+serve.Prefix+"/runs/start", good, "").status)
	bad := token(t, allRoles...)
	a := do(t, "POST", ts.URL+serve.Prefix+"/runs/start", bad, "")
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.Equal(t, http.StatusUnauthorized, do(t, "POST", ts.URL+serve.Prefix+"/runs/start", "not-a-jwt", "").status)
}

func jsonDecode(res *http.Response, v any) error { return json.NewDecoder(res.Body).Decode(v) }

// The control endpoints: the clock, the summary (runsim run's JSON), the
// trace (JSON lines) and reset.
func TestControlEndpoints(t *testing.T) {
	_, ts := newEmulator(t, serve.Options{})
	tok := token(t, allRoles...)
	a := do(t, "GET", ts.URL+serve.ControlPrefix+"/clock", "", "")
	assert.JSONEq(t, `{"now":"2025-01-06T00:00:00Z"}`, string(a.body))
	require.Equal(t, http.StatusAccepted, do(t, "POST", ts.URL+serve.Prefix+"/runs/start", tok, "").status)
	a = do(t, "POST", ts.URL+serve.ControlPrefix+"/clock", "", `{"to": "2025-01-06T01:00:00Z"}`)
	assert.JSONEq(t, `{"now":"2025-01-06T01:00:00Z"}`, string(a.body))

	a = do(t, "GET", ts.URL+serve.ControlPrefix+"/summary", "", "")
	require.Equal(t, http.StatusOK, a.status)
	sum := decode[map[string]any](t, a.body)
	assert.Equal(t, 1.0, sum["accepted"])
	assert.Equal(t, 1.0, sum["runs_succeeded"])
	assert.Equal(t, "2025-01-06T01:00:00.001Z", sum["end"], "the session so far: [start, now], to the millisecond")
	assert.Contains(t, sum["assumptions"], "client graph")

	a = do(t, "GET", ts.URL+serve.ControlPrefix+"/trace", "", "")
	require.Equal(t, http.StatusOK, a.status)
	lines := strings.Split(strings.TrimSpace(string(a.body)), "\n")
	require.Len(t, lines, 7)
	assert.Equal(t, `{"time":"2025-01-06T00:00:00Z","kind":"request-arrived","client":"graph","request":1,"attempt":1}`, lines[0])

	a = do(t, "POST", ts.URL+serve.ControlPrefix+"/reset", "", "")
	assert.JSONEq(t, `{"now":"2025-01-06T00:00:00Z"}`, string(a.body))
	a = do(t, "GET", ts.URL+serve.ControlPrefix+"/trace", "", "")
	assert.Empty(t, strings.TrimSpace(string(a.body)))
	a = do(t, "POST", ts.URL+serve.ControlPrefix+"/clock", "", `{"to": "2200-01-01T00:00:00Z"}`)
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Contains(t, decode[graphError](t, a.body).Error.Message, "horizon")
}

// With Background, the scenario's clients ask beside the HTTP client: the
// walkthrough client of serve.yaml starts a run at 00:00, before a request
// over HTTP at the same instant, which meets it in progress.
func TestBackground(t *testing.T) {
	srv, ts := newEmulator(t, serve.Options{Background: true})
	a := do(t, "POST", ts.URL+serve.Prefix+"/runs/start", token(t, allRoles...), "")
	assert.Equal(t, http.StatusConflict, a.status)
	_, err := srv.AdvanceTo(t0.Add(13 * time.Hour))
	require.NoError(t, err)
	sum, err := srv.Summary("")
	require.NoError(t, err)
	assert.Equal(t, 6, sum.Summary.Accepted, "the walkthrough's six, the 05:00 one throttled")
	assert.Equal(t, 1, sum.Summary.Throttled)
	assert.Equal(t, 1, sum.Summary.Conflicts)
	requests, err := srv.Requests("")
	require.NoError(t, err)
	assert.Equal(t, []time.Time{t0}, requests)
}

func TestTenantsBounded(t *testing.T) {
	_, ts := newEmulator(t, serve.Options{})
	for i := range serve.MaxTenants - 1 { // the default tenant is the first
		a := do(t, "GET", ts.URL+serve.ControlPrefix+"/clock?tenant="+fmt.Sprint(i), "", "")
		require.Equal(t, http.StatusOK, a.status)
		a = do(t, "GET", ts.URL+serve.ControlPrefix+"/summary?tenant="+fmt.Sprint(i), "", "")
		require.Equal(t, http.StatusOK, a.status)
	}
	a := do(t, "GET", ts.URL+serve.ControlPrefix+"/summary?tenant=one-more", "", "")
	assert.Equal(t, http.StatusServiceUnavailable, a.status)
	assert.Equal(t, "ServiceUnavailable", decode[graphError](t, a.body).Error.Code)
}

// TestAcceptedThenFailed: under refusal: accepted-then-failed the sixth
// start of the walkthrough is answered 202 with a Location, not 429; its
// operation reads failed with a TooManyRequests statusDetail (the wait
// it would have had), no run behind it; the next accepted start is
// unaffected. Under the default reading the same start is a 429.
func TestAcceptedThenFailed(t *testing.T) {
	for _, refusal := range []string{"429", "accepted-then-failed"} {
		t.Run(refusal, func(t *testing.T) {
			_, ts := newEmulator(t, serve.Options{}, "service.throttle.refusal="+refusal)
			tok := token(t, allRoles...)
			start := ts.URL + serve.Prefix + "/runs/start"
			clock := ts.URL + serve.ControlPrefix + "/clock"
			var a answer
			for h := range 6 {
				if h > 0 {
					require.Equal(t, http.StatusOK, do(t, "POST", clock, "", `{"advance": "1h"}`).status)
				}
				a = do(t, "POST", start, tok, "")
			}
			if refusal == "429" {
				require.Equal(t, http.StatusTooManyRequests, a.status, string(a.body))
				assert.Equal(t, "25200", a.header.Get("Retry-After"))
				return
			}
			require.Equal(t, http.StatusAccepted, a.status, string(a.body))
			assert.Empty(t, a.header.Get("Retry-After"), "a 202 carries no Retry-After")
			assert.Empty(t, a.body)
			loc := a.header.Get("Location")
			require.True(t, strings.HasPrefix(loc, ts.URL+serve.Prefix+"/operations/"), loc)

			g := do(t, "GET", loc, tok, "")
			require.Equal(t, http.StatusOK, g.status, string(g.body))
			op := decode[operation](t, g.body)
			assert.Equal(t, "failed", op.Status)
			assert.Equal(t, "TooManyRequests: The service allows a limited number of runs in a window; try again in 7h.", op.StatusDetail)
			assert.Empty(t, op.ResourceLocation, "no run started")
			assert.Equal(t, t0.Add(5*time.Hour), op.Created)
			assert.Equal(t, t0.Add(5*time.Hour), op.LastAction)

			require.Equal(t, http.StatusOK, do(t, "POST", clock, "", `{"advance": "7h"}`).status)
			a = do(t, "POST", start, tok, "")
			require.Equal(t, http.StatusAccepted, a.status, string(a.body))
			op = decode[operation](t, do(t, "GET", a.header.Get("Location"), tok, "").body)
			assert.Equal(t, "running", op.Status)
		})
	}
}

// TestTraceBounded: a tenant keeps the latest Options.TraceEvents events of
// its trace. Once it has dropped some, GET /_runsim/trace answers 507 with
// how many, ?tail=true gives the events kept with the count dropped in a
// header, Trace and Requests refuse (whole or not at all); the summary
// still counts every request.
func TestTraceBounded(t *testing.T) {
	emu, ts := newEmulator(t, serve.Options{TraceEvents: 5})
	tok := token(t, allRoles...)
	for range 3 { // an accepted start (5 events), then 2 conflicts (3 each)
		do(t, "POST", ts.URL+serve.Prefix+"/runs/start", tok, "")
	}
	a := do(t, "GET", ts.URL+serve.ControlPrefix+"/trace", "", "")
	require.Equal(t, http.StatusInsufficientStorage, a.status)
	e := decode[graphError](t, a.body)
	assert.Equal(t, "TraceTooLong", e.Error.Code)
	assert.Contains(t, e.Error.Message, "it has 11 events and the emulator keeps the latest 5 (runsim serve --trace-events, Options.TraceEvents); the first 6 were dropped")
	assert.Contains(t, e.Error.Message, "?tail=true")

	a = do(t, "GET", ts.URL+serve.ControlPrefix+"/trace?tail=true", "", "")
	require.Equal(t, http.StatusOK, a.status, string(a.body))
	assert.Equal(t, "6", a.header.Get(serve.TraceDroppedHeader))
	lines := strings.Split(strings.TrimSpace(string(a.body)), "\n")
	require.Len(t, lines, 5)
	assert.Contains(t, lines[4], `"kind":"gave-up"`, "the latest event last")

	assert.ErrorIs(t, emu.Trace("", io.Discard, sim.TraceJSONL), serve.ErrTraceTruncated)
	_, err := emu.Requests("")
	assert.ErrorIs(t, err, serve.ErrTraceTruncated)
	sum, err := emu.Summary("")
	require.NoError(t, err)
	assert.Equal(t, 3, sum.Summary.Requests)
	assert.Equal(t, 2, sum.Summary.Conflicts)

	_, ts = newEmulator(t, serve.Options{TraceEvents: -1})
	a = do(t, "GET", ts.URL+serve.ControlPrefix+"/trace", "", "")
	assert.Equal(t, http.StatusOK, a.status, "nothing happened: nothing dropped")
	do(t, "POST", ts.URL+serve.Prefix+"/runs/start", tok, "")
	a = do(t, "GET", ts.URL+serve.ControlPrefix+"/trace", "", "")
	assert.Equal(t, http.StatusInsufficientStorage, a.status)
	assert.Contains(t, decode[graphError](t, a.body).Error.Message, "keeps none")
	a = do(t, "GET", ts.URL+serve.ControlPrefix+"/trace?tail=maybe", "", "")
	assert.Equal(t, http.StatusBadRequest, a.status)
}

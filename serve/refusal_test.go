package serve_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/serve"
)

// TestAcceptedThenFailed: under refusal: accepted-then-failed the sixth
// start of the walkthrough is answered 202 with a Location, not 429; its
// operation reads failed with a TooManyRequests statusDetail (the wait
// it would have had), no run behind it; the next accepted start is
// unaffected. Under the default reading the same start is a 429.
func TestAcceptedThenFailed(t *testing.T) {
	tests := []struct {
		name    string
		refusal string
		status  int
	}{
		{name: "429 (default)", refusal: "429", status: http.StatusTooManyRequests},
		{name: "accepted then failed", refusal: "accepted-then-failed", status: http.StatusAccepted},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, ts := loadEmulator(t, serve.Options{}, "service.throttle.refusal="+tc.refusal)
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
			require.Equal(t, tc.status, a.status, string(a.body))
			if tc.status == http.StatusTooManyRequests {
				assert.Equal(t, "25200", a.header.Get("Retry-After"))
				return
			}
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

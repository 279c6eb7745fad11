package serve_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/scenarios"
	"runsim/serve"
)

// The Go example of the README's "Test your client against the emulator",
// verbatim.
func TestOurScheduler(t *testing.T) {
	s, err := scenarios.Load("serve")
	require.NoError(t, err)
	emu, err := serve.New(s, serve.Options{})
	require.NoError(t, err)
	ts := httptest.NewServer(emu)
	defer ts.Close()
	token, _ := serve.NewToken(serve.TokenOptions{Roles: []string{serve.PermRunStart}})

	for i := range 6 {
		if i > 0 {
			emu.Advance(time.Hour)
		}
		req, _ := http.NewRequest("POST", ts.URL+serve.Prefix+"/runs/start", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		t.Log(emu.Now().Format("15:04"), res.Status, res.Header.Get("Retry-After"))
	}
	sum, _ := emu.Summary("")
	require.Equal(t, 1, sum.Summary.Throttled) // 05:00, Retry-After 25200
}

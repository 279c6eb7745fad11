package serve_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"runsim/scenarios"
	"runsim/serve"
)

// TestReadmeExample: the README's Go example is TestOurScheduler, to the
// letter.
func TestReadmeExample(t *testing.T) {
	const head, tail = "func TestOurScheduler(t *testing.T) {\n", "\n}\n"
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	self, err := os.ReadFile("readme_test.go")
	require.NoError(t, err)
	block := func(text string) string {
		i := strings.Index(text, head)
		require.GreaterOrEqual(t, i, 0, "no %s", head)
		n := strings.Index(text[i:], tail)
		require.GreaterOrEqual(t, n, 0)
		return text[i : i+n+len(tail)]
	}
	require.Equal(t, block(string(self)), block(string(readme)))
}

// The Go example of the README's "Test your client against the emulator",
// verbatim (TestReadmeExample holds them together).
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

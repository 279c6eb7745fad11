package serve_test

import (
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/scenarios"
	"runsim/serve"
)

func TestManualClock(t *testing.T) {
	c, err := serve.NewClock(serve.Manual, t0.Add(1500*time.Microsecond), 0)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Millisecond), c.Now(), "to the millisecond")
	now, err := c.Advance(7 * time.Hour)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(7*time.Hour+time.Millisecond), now)
	_, err = c.AdvanceTo(t0)
	assert.ErrorContains(t, err, "cannot go back")
	_, err = c.Advance(-time.Second)
	assert.Error(t, err)
	now, err = c.AdvanceTo(t0.Add(24 * time.Hour))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(24*time.Hour), now)
	assert.Equal(t, serve.Manual, c.Kind())
}

func TestScaledAndSystemClocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := serve.NewClock(serve.Scaled, t0, 3600)
		require.NoError(t, err)
		sys, err := serve.NewClock(serve.System, time.Time{}, 0)
		require.NoError(t, err)
		began := sys.Now()
		time.Sleep(2 * time.Second)
		assert.Equal(t, t0.Add(2*time.Hour), c.Now(), "an hour a second")
		assert.Equal(t, began.Add(2*time.Second), sys.Now())
		now, err := c.Advance(time.Hour)
		require.NoError(t, err)
		assert.Equal(t, t0.Add(3*time.Hour), now)
	})
	_, err := serve.NewClock(serve.Scaled, t0, 0)
	assert.Error(t, err)
	_, err = serve.NewClock("sundial", t0, 0)
	assert.ErrorContains(t, err, "unknown clock")
	for _, name := range []string{"manual", "scaled", "system"} {
		k, err := serve.ParseClockKind(name)
		require.NoError(t, err)
		assert.Equal(t, name, k.String())
	}
}

// With a scaled clock, runs finish and operations move on as virtual time
// passes, without any call.
func TestScaledClockMovesOperations(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := scenarios.Load("serve")
		require.NoError(t, err)
		c, err := serve.NewClock(serve.Scaled, s.File.Start.Time, 60) // a minute a second
		require.NoError(t, err)
		emu, err := serve.New(s, serve.Options{Clock: c})
		require.NoError(t, err)
		client := &http.Client{Transport: memTransport{emu}}
		tok := token(t, allRoles...)
		req, _ := http.NewRequest("POST", "http://graph.local"+serve.Prefix+"/runs/start", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := client.Do(req)
		require.NoError(t, err)
		res.Body.Close()
		require.Equal(t, http.StatusAccepted, res.StatusCode)
		loc := res.Header.Get("Location")
		status := func() string {
			req, _ := http.NewRequest("GET", loc, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := client.Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			var op operation
			require.NoError(t, jsonDecode(res, &op))
			return op.Status
		}
		assert.Equal(t, "running", status())
		time.Sleep(10 * time.Second) // 10 virtual minutes: the run's length
		assert.Equal(t, "succeeded", status())
	})
}

package main

import (
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReportScreenshot renders report.html in headless Chromium, as a
// person would see it. .ci/run installs Chromium from Debian's packages.
// requireChromium fails the test where Chromium must be present: in CI
// (CI=true, as .ci/run and most CI services set it), where a silent skip
// would hide that the report was never rendered.
func requireChromium(t testing.TB, getenv func(string) string) {
	t.Helper()
	if ci, _ := strconv.ParseBool(getenv("CI")); ci {
		t.Fatal("CI is set and chromium is not installed: the report screenshot cannot be taken (apt-get install chromium)")
	}
}

// TestRequireChromium: in CI a missing Chromium is a failure, elsewhere a
// skip.
func TestRequireChromium(t *testing.T) {
	tests := []struct {
		name   string
		ci     string
		failed bool
	}{
		{name: "CI=true", ci: "true", failed: true},
		{name: "CI=1", ci: "1", failed: true},
		{name: "not CI", ci: "", failed: false},
		{name: "CI=false", ci: "false", failed: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &fatalRecorder{TB: t}
			func() {
				defer func() { recover() }()
				requireChromium(rec, func(string) string { return tc.ci })
			}()
			assert.Equal(t, tc.failed, rec.failed)
		})
	}
}

// fatalRecorder records Fatal instead of ending the test.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (r *fatalRecorder) Fatal(args ...any) { r.failed = true; panic("fatal") }

func TestReportScreenshot(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		requireChromium(t, os.Getenv)
		t.Skip("chromium is not installed (apt-get install chromium); the report screenshot is not taken")
	}
	dir := t.TempDir()
	code, _, errOut := runsim("run", documented, "--report", dir)
	require.Equal(t, 0, code, errOut)
	shot := filepath.Join(dir, "screenshot.png")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1100,1600", "--screenshot="+shot,
		"file://"+filepath.Join(dir, "report.html"))
	done := make(chan error, 1)
	go func() { done <- cmd.Run() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatal("chromium did not finish in 90s")
	}
	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	assert.Equal(t, 1100, img.Bounds().Dx())
	// Not a blank page: the header band is dark blue, the page light.
	r, g, b, _ := img.At(20, 20).RGBA()
	assert.Less(t, r, g, "the header is blue")
	assert.Less(t, g, b, "the header is blue")
}

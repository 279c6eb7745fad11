package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestInterrupt: SIGINT or SIGTERM during run --trace removes the
// temporary file and exits 130 or 143, leaving an older trace as it was.
func TestInterrupt(t *testing.T) {
	tests := []struct {
		name string // as the message says it
		sig  syscall.Signal
		code int
	}{
		{name: "SIGINT", sig: syscall.SIGINT, code: 130},
		{name: "SIGTERM", sig: syscall.SIGTERM, code: 143},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			trace := filepath.Join(dir, "long.trace")
			write(t, trace, "older trace\n")
			// Far more work than the test will wait for.
			cmd, errText := startMain(t, "run", "../../bench/heavy.yaml",
				"--set", "horizon=200y", "--max-events", "0", "--trace", trace, "--report", filepath.Join(dir, "report"))

			// Wait until the trace is being written, then interrupt.
			waitUntil(t, "the trace was never started", errText, func() bool {
				tmp, _ := filepath.Glob(filepath.Join(dir, ".long.trace.*.tmp"))
				if len(tmp) != 1 {
					return false
				}
				info, err := os.Stat(tmp[0])
				return err == nil && info.Size() > 0
			})
			require.NoError(t, cmd.Process.Signal(tc.sig))
			err := cmd.Wait()
			var exit *exec.ExitError
			require.True(t, errors.As(err, &exit), "exited by itself: %v", err)
			assert.Equal(t, tc.code, exit.ExitCode())
			assert.Equal(t, "runsim: stopped by "+tc.name+"; files being written were removed\n", errText())

			left, err := os.ReadDir(dir)
			require.NoError(t, err)
			var names []string
			for _, e := range left {
				names = append(names, e.Name())
			}
			assert.Equal(t, []string{"long.trace"}, names, "nothing but the older trace")
			data := read(t, trace)
			assert.Equal(t, "older trace\n", data)
		})
	}
}

// TestServeStopsGracefully: serve handles SIGINT and SIGTERM itself: it
// stops serving, writes the trace whole, and exits 0 (the handler of the
// other commands would exit 130 and drop the trace).
func TestServeStopsGracefully(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			trace := filepath.Join(dir, "serve.jsonl")
			cmd, errText := startMain(t, "serve", "../../scenarios/serve.yaml", "--addr", "127.0.0.1:0", "--quiet", "--background", "--trace", trace)
			waitUntil(t, "serve never listened", errText, func() bool { return strings.Contains(errText(), "listening on http://127.0.0.1:") })
			require.NoError(t, cmd.Process.Signal(sig))
			require.NoError(t, cmd.Wait(), "stderr: %s", errText())
			assert.Contains(t, errText(), "runsim serve: stopped")
			assert.NotContains(t, errText(), "files being written were removed")
			assert.FileExists(t, trace, "the trace is written on the way out")
		})
	}
}

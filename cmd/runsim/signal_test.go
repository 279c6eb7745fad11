package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
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

			assert.Equal(t, []string{"long.trace"}, names(t, dir), "nothing but the older trace")
			data := read(t, trace)
			assert.Equal(t, "older trace\n", data)
		})
	}
}

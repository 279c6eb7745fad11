package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMainProcess is runsim's main in a process of its own, for the tests
// that send it signals: it runs only when started by them.
func TestMainProcess(t *testing.T) {
	if os.Getenv("RUNSIM_MAIN_PROCESS") != "1" {
		t.Skip("runs only as a subprocess of TestInterrupt")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Args = append([]string{"runsim"}, args...)
	main()
}

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
			require.NoError(t, os.WriteFile(trace, []byte("older trace\n"), 0o644))
			// Far more work than the test will wait for.
			cmd := exec.Command(os.Args[0], "-test.run=^TestMainProcess$", "--", "run", "../../bench/heavy.yaml",
				"--set", "horizon=200y", "--max-events", "0", "--trace", trace, "--report", filepath.Join(dir, "report"))
			cmd.Env = append(os.Environ(), "RUNSIM_MAIN_PROCESS=1")
			// Standard error goes to a file, which the test may read while
			// the process writes it.
			stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
			require.NoError(t, err)
			defer stderr.Close()
			cmd.Stderr = stderr
			errText := func() string { b, _ := os.ReadFile(stderr.Name()); return string(b) }
			require.NoError(t, cmd.Start())
			t.Cleanup(func() { cmd.Process.Kill() })

			// Wait until the trace is being written, then interrupt.
			deadline := time.Now().Add(60 * time.Second)
			for {
				tmp, _ := filepath.Glob(filepath.Join(dir, ".long.trace.*.tmp"))
				if len(tmp) == 1 {
					if info, err := os.Stat(tmp[0]); err == nil && info.Size() > 0 {
						break
					}
				}
				if !time.Now().Before(deadline) {
					t.Fatalf("the trace was never started; stderr: %s", errText())
				}
				time.Sleep(10 * time.Millisecond)
			}
			require.NoError(t, cmd.Process.Signal(tc.sig))
			err = cmd.Wait()
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
			data, err := os.ReadFile(trace)
			require.NoError(t, err)
			assert.Equal(t, "older trace\n", string(data))
		})
	}
}

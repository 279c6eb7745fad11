// Command runsim simulates the run scheduler and start throttle of the
// Microsoft Graph industry data service. Run "runsim help" for the commands.
package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"runsim/internal/atomicfile"
)

func main() {
	onInterrupt(os.Stderr)
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}

// onInterrupt makes SIGINT and SIGTERM remove every file and folder still
// being written (a trace, a report) and exit 130 or 143, as a shell
// reports a process killed by them, so that an interrupted run leaves
// nothing behind.
//
// A command that shuts down gracefully on those signals (serve) sets
// ownSignals and handles them itself.
func onInterrupt(stderr io.Writer) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		sig, name := <-c, "SIGINT"
		for ownSignals.Load() {
			sig = <-c
		}
		atomicfile.AbortAll()
		if sig == syscall.SIGTERM {
			name = "SIGTERM"
		}
		fmt.Fprintf(stderr, "runsim: stopped by %s; files being written were removed\n", name)
		os.Exit(128 + int(sig.(syscall.Signal)))
	}()
}

// ownSignals is set by a command that handles SIGINT and SIGTERM itself.
var ownSignals atomic.Bool

package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"runsim/sim"
)

// isTerminal reports whether w is a terminal, where a progress display
// may be drawn; tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// A display is the one progress display of every long command (run,
// compare, capacity, sweep): a bar with the count, the rate and the time
// left, drawn on standard error only when it is a terminal, and cleared
// when the work is done. A nil *display draws nothing; its methods may be
// called all the same.
type display struct {
	w    io.Writer
	what string // the description before the bar, with the estimate
	unit string // what is counted, plural: "replications", "events"
	bar  *progressbar.ProgressBar
	max  int // the bar's total, fixed when it is first drawn
}

// newDisplay returns the display of what, counting unit, or nil when
// quiet or stderr is not a terminal.
func newDisplay(stderr io.Writer, what, unit string, quiet bool) *display {
	if quiet || !isTerminal(stderr) {
		return nil
	}
	return &display{w: stderr, what: what, unit: unit}
}

// update draws done out of total, the total given first: an estimate
// that falls short holds the bar at its end. Once it has been called,
// it may be called from any goroutine.
func (d *display) update(done, total int) {
	if d == nil {
		return
	}
	if d.bar == nil {
		d.max = max(total, 1)
		d.bar = progressbar.NewOptions(d.max, progressbar.OptionSetWriter(d.w), progressbar.OptionSetDescription(d.what),
			progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString(d.unit),
			progressbar.OptionSetPredictTime(true), progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetRenderBlankState(true), progressbar.OptionClearOnFinish())
	}
	d.bar.Set(min(done, d.max))
}

// progress is the callback for experiment.Options.Progress: nil when
// nothing is drawn.
func (d *display) progress() func(done, total int) {
	if d == nil {
		return nil
	}
	return d.update
}

// finish clears the display.
func (d *display) finish() {
	if d != nil && d.bar != nil {
		d.bar.Finish()
	}
}

// eventCounter counts the events of a replication and moves a display
// counting events every 64k of them.
type eventCounter struct {
	n     int64
	total int64
	d     *display
}

// Observe implements sim.Observer.
func (c *eventCounter) Observe(*sim.Event) {
	c.n++
	if c.d != nil && c.n&(1<<16-1) == 0 {
		c.d.update(int(c.n), int(c.total))
	}
}

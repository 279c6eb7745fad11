package serve

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"

	"runsim/sim"
)

// TestTraceSizeAsDocumented: the sizes the docs give for the trace kept in
// memory (an event about 232 bytes, DefaultTraceEvents of them about
// 15 MiB) are the real ones, within a few percent.
func TestTraceSizeAsDocumented(t *testing.T) {
	event := float64(unsafe.Sizeof(sim.Event{}))
	assert.InDelta(t, 232, event, 232*0.05, "Options.TraceEvents' doc")
	assert.InDelta(t, 15, event*DefaultTraceEvents/(1<<20), 15*0.05, "doc.go, DefaultTraceEvents' doc and README say about 15 MiB")
}

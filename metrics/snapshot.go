package metrics

import (
	"fmt"
	"slices"
	"time"

	"runsim/sim"
)

// SummaryAt returns the summary of the run so far as if it ended at end:
// what Summary returns for the same events over [Start, end), the closing
// events taken too (the engine's measurement at the end of a run:
// sim.Engine.Closing). The collector is not changed, so a live run can be
// summarised at any instant and go on: the closing events are taken by
// copies of the measurements that read them. Its cost does not depend on
// how many events were observed.
func (c *Collector) SummaryAt(end time.Time, closing ...sim.Event) Summary {
	cp := *c
	cp.end = end
	if len(closing) > 0 {
		cp.all = slices.Clone(c.all)
		copies := map[measurement]measurement{}
		for _, e := range closing {
			k := &cp.kinds[e.Kind]
			for retry, ms := range k.ms {
				k.ms[retry] = make([]measurement, len(ms))
				for i, m := range ms {
					k.ms[retry][i] = cp.copyOf(m, copies)
				}
			}
		}
		for i := range closing {
			cp.Observe(&closing[i])
		}
	}
	return cp.Summary()
}

// copyOf returns the copy of m the snapshot observes closing events with,
// made once, and puts it in place of m among the snapshot's measurements.
func (c *Collector) copyOf(m measurement, copies map[measurement]measurement) measurement {
	if cp, ok := copies[m]; ok {
		return cp
	}
	cl, ok := m.(interface{ clone() measurement })
	if !ok {
		panic(fmt.Sprintf("metrics: %T reads closing events but cannot be copied for a snapshot (it needs a clone method)", m))
	}
	cp := cl.clone()
	copies[m] = cp
	if i := slices.Index(c.all, m); i >= 0 {
		c.all[i] = cp
	}
	return cp
}

// clone implements a snapshot's copy: occupancy holds only values.
func (o *occupancy) clone() measurement {
	cp := *o
	return &cp
}

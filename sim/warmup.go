package sim

// The end of the warm-up (Config.Warmup) is a measurement instant: the
// slots of the throttle in use are reported there, so that a collector can
// leave out the area before it exactly, whatever the limiter (a token
// bucket's level falls continuously between events). It is queued first
// among the work of its instant (prioSlots), so everything that happens at
// Start+Warmup comes after it, and it reports no trace event.

// planWarmup queues the end of the warm-up, when there is one and a
// throttle to measure.
func (e *engine) planWarmup() {
	if e.cfg.Warmup <= 0 || e.slots.lim == nil {
		return
	}
	e.push(work{at: e.cfg.Start.Add(e.cfg.Warmup).UnixMilli()}, prioSlots, workWarmup)
}

// warmup reports the slots in use at the end of the warm-up.
func (e *engine) warmup() {
	e.settle()
	e.measure(SlotWarmup, true)
}

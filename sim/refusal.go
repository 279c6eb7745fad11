package sim

import "time"

// acceptedThenFailed answers a start the throttle refused under the
// reading policy.AcceptThenFail: a Throttled event that carries an
// operation (the client was answered 202 with its Location), the
// operation notStarted then failed at once, and no run. The Throttled
// event keeps the throttle's Retry-After (what the operation's
// statusDetail may say), but the client sees none: a client that polls
// (Client.Poll) sees the failure at its first poll and then does what
// OnThrottle says, its wait counted from that poll and without a
// Retry-After (after-retry-after backs off); a client that does not poll
// never learns of it and stops there (GaveUp), and so does one that
// retries 429 only (Retry.ThrottleOnly, the kiota preset): this is no 429.
func (e *engine) acceptedThenFailed(i int, request uint64, attempt int, first int64, retryAfter time.Duration) {
	c := &e.clients[i]
	e.lastOp++
	op := operationID(e.cfg.Seed, e.lastOp)
	ev := e.emit(Throttled)
	ev.Client, ev.Request, ev.Attempt, ev.RetryAfter, ev.Operation = c.Name, request, attempt, retryAfter, op
	e.send()
	e.opChanged(op, OpNotStarted, c.Name, 0)
	polls := 0
	if c.Poll > 0 {
		polls = 1 // the first poll sees it
	}
	e.opChanged(op, OpFailed, c.Name, polls)
	if c.Poll <= 0 || c.OnThrottle.ThrottleOnly {
		e.emitRequest(GaveUp, c, request, attempt)
		e.send()
		return
	}
	e.retryOrGiveUp(Throttled, i, request, attempt, first, 0, c.Poll.Milliseconds())
}

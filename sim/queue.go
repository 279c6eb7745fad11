package sim

// work is an entry of the event queue: something the engine must do at an
// instant. It is a plain value so that the queue does not allocate per entry.
type work struct {
	at   int64 // Unix milliseconds
	prio uint8
	what workKind
	seq  uint64

	client  int32     // request, finish: index of the client
	attempt int32     // request: attempt number
	id      uint64    // request: request id; finish: run id
	op      uint64    // finish: operation number (0: none)
	status  RunStatus // finish
	trigger uint8     // finish
	counted bool      // finish: the run was recorded by the throttle

	nominal  int64  // scheduled: the nominal instant
	gen      uint32 // scheduled: the schedule generation it belongs to; slots: the plan it belongs to
	accepted int64  // finish: when the start was accepted
}

type workKind uint8

const (
	workFinish workKind = iota
	workScheduled
	workArrival
	workRetry
	workSlots  // the throttle's slots fall by themselves: measure them
	workWarmup // the warm-up ends: measure the slots in use (see Config.Warmup)
)

// Priorities of same-instant work; lower goes first. Slots that fall by
// themselves are measured before anything else happens at that instant.
const (
	prioSlots     = 0
	prioFinish    = 1
	prioScheduled = 2
	prioRequest   = 3
)

// queue is a binary min-heap of work ordered by (at, prio, seq). It is
// written out rather than built on container/heap, whose interface boxes
// every pushed value.
type queue struct {
	items []work
	seq   uint64
}

func (q *queue) less(i, j int) bool {
	a, b := &q.items[i], &q.items[j]
	if a.at != b.at {
		return a.at < b.at
	}
	if a.prio != b.prio {
		return a.prio < b.prio
	}
	return a.seq < b.seq
}

func (q *queue) len() int { return len(q.items) }

func (q *queue) push(w work) {
	q.seq++
	w.seq = q.seq
	q.items = append(q.items, w)
	i := len(q.items) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q.items[i], q.items[p] = q.items[p], q.items[i]
		i = p
	}
}

func (q *queue) pop() work {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items = q.items[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= last {
			break
		}
		m := l
		if r := l + 1; r < last && q.less(r, l) {
			m = r
		}
		if !q.less(m, i) {
			break
		}
		q.items[i], q.items[m] = q.items[m], q.items[i]
		i = m
	}
	return top
}

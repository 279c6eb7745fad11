package sim

// work is an entry of the event queue: something the engine must do at an
// instant. It is a plain 40-byte value, so that the queue does not allocate
// per entry and a sift moves little memory: the few fields of a finishing
// run that do not fit are kept apart, in the engine's finishing slab.
type work struct {
	at  int64  // Unix milliseconds
	ord uint64 // prio<<prioShift | seq<<kindBits | what: (prio, seq) orders same-instant work
	id  uint64 // retry: request id; scheduled: the nominal instant (Unix ms)
	// client: arrival, retry: index of the client; finish: index in the
	// engine's finishing slab.
	client int32
	// n: retry: attempt number; scheduled: the schedule generation it
	// belongs to; slots: the plan it belongs to.
	n     uint32
	first int64 // retry: the request's first attempt (Unix ms)
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

// The layout of work.ord: the priority in the top bits, then the sequence
// number (2^56 entries per run), then the kind, which takes no part in the
// order since sequence numbers are unique.
const (
	kindBits  = 3
	prioShift = 59
	kindMask  = 1<<kindBits - 1
)

// Priorities of same-instant work; lower goes first. Slots that fall by
// themselves are measured before anything else happens at that instant.
const (
	prioSlots     = 0
	prioFinish    = 1
	prioScheduled = 2
	prioRequest   = 3
)

func (w *work) what() workKind { return workKind(w.ord & kindMask) }

// before reports whether a goes before b: by (at, prio, seq).
func (a *work) before(b *work) bool {
	return a.at < b.at || a.at == b.at && a.ord < b.ord
}

// queue holds the pending work, ordered by (at, prio, seq): a 4-ary
// min-heap, and lanes beside it. It is written out rather than built on
// container/heap, whose interface boxes every pushed value; four children
// a node make the heap half as deep as a binary one, and a node's children
// share a cache line or two.
//
// A lane is a FIFO for work that tends to come in order, such as a
// client's retries after a fixed delay: an entry pushed to a lane goes to
// its tail when it comes after the tail (it usually does) and to the heap
// otherwise, so that each lane stays in order and the first entry of the
// queue is the first of the heap's top and the lanes' heads. The order is
// the same as a single heap's, since sequence numbers are unique; most
// entries skip the heap's sifts.
type queue struct {
	items []work
	lanes []lane
	seq   uint64
}

// lane is a FIFO ring of work in queue order; len(buf) is 0 or a power of 2.
type lane struct {
	buf     []work
	head, n int
}

// noLane pushes to the heap.
const noLane = -1

// push queues w, of kind what and priority prio, after every entry of the
// same instant and priority queued before it; to lane l when it keeps the
// lane in order, else to the heap.
func (q *queue) push(w work, prio uint8, what workKind, l int) {
	q.seq++
	w.ord = uint64(prio)<<prioShift | q.seq<<kindBits | uint64(what)
	if l >= 0 {
		ln := &q.lanes[l]
		if ln.n == 0 || ln.buf[(ln.head+ln.n-1)&(len(ln.buf)-1)].before(&w) {
			ln.push(w)
			return
		}
	}
	q.items = append(q.items, w)
	items := q.items
	i := len(items) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if !w.before(&items[p]) {
			break
		}
		items[i] = items[p]
		i = p
	}
	items[i] = w
}

// laneStart is the size of a lane's ring when it is first used: enough
// for the retries pending at once in most runs, small enough for the many
// short runs of a sweep (a ring of a busy run doubles a few times).
const laneStart = 64

func (ln *lane) push(w work) {
	if ln.n == len(ln.buf) {
		buf := make([]work, max(laneStart, 2*len(ln.buf)))
		for i := range ln.n {
			buf[i] = ln.buf[(ln.head+i)&(len(ln.buf)-1)]
		}
		ln.buf, ln.head = buf, 0
	}
	ln.buf[(ln.head+ln.n)&(len(ln.buf)-1)] = w
	ln.n++
}

// first returns the first entry of the queue and where it is (noLane: the
// heap's top, else its lane), or nil when the queue is empty.
func (q *queue) first() (*work, int) {
	var w *work
	src := noLane
	if len(q.items) > 0 {
		w = &q.items[0]
	}
	for i := range q.lanes {
		ln := &q.lanes[i]
		if ln.n > 0 {
			if h := &ln.buf[ln.head]; w == nil || h.before(w) {
				w, src = h, i
			}
		}
	}
	return w, src
}

// drop removes the first entry of src as first returned it.
func (q *queue) drop(src int) {
	if src == noLane {
		q.pop()
		return
	}
	ln := &q.lanes[src]
	ln.head = (ln.head + 1) & (len(ln.buf) - 1)
	ln.n--
}

// pop removes the heap's first entry; the heap must not be empty.
func (q *queue) pop() {
	last := len(q.items) - 1
	q.items = q.items[:last] // only the length is written
	if last == 0 {
		return
	}
	items := q.items[:last+1]
	x := &items[last]
	i := 0
	for {
		c := 4*i + 1
		if c >= last {
			break
		}
		m := c
		end := min(c+4, last)
		for j := c + 1; j < end; j++ {
			if items[j].before(&items[m]) {
				m = j
			}
		}
		if !items[m].before(x) {
			break
		}
		items[i] = items[m]
		i = m
	}
	items[i] = *x
}

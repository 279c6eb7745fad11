// Command bareloop is the floor the engine's event loop is measured
// against: a typed binary heap of a few pending events (ten by default),
// ordered by (instant, priority, sequence number) as the engine's queue is,
// with one PCG draw per pop that sets the instant and priority of the event
// pushed in its place. It does exactly -pops pops and prints the count and a
// checksum, so that the work cannot be optimised away.
//
// It imports nothing of runsim on purpose: it is what a queue pop costs with
// no simulation around it. bench/run passes it the number of queue pops
// runsim made on the same workload.
//
//	go run ./bench/bareloop -pops 2628394
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

// event is an entry of the heap: a plain value, as the engine's are.
type event struct {
	at   int64 // milliseconds
	seq  uint64
	prio uint8
	kind uint8
}

// queue is a binary min-heap of events ordered by (at, prio, seq).
type queue struct {
	items []event
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

func (q *queue) push(e event) {
	q.seq++
	e.seq = q.seq
	q.items = append(q.items, e)
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

func (q *queue) pop() event {
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

// maxGap is the longest gap, in milliseconds, between a pop and the event
// pushed in its place: one hour.
const maxGap = 3_600_000

func main() {
	pops := flag.Uint64("pops", 0, "number of queue pops (required)")
	pending := flag.Int("pending", 10, "events kept pending in the heap")
	seed := flag.Uint64("seed", 1, "seed of the PCG stream")
	flag.Parse()
	if *pops == 0 || *pending < 1 || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: bareloop -pops N [-pending 10] [-seed 1]")
		os.Exit(2)
	}

	pcg := rand.NewPCG(*seed, 0x62617265) // a concrete *rand.PCG: no interface call per draw
	q := queue{items: make([]event, 0, *pending+1)}
	for i := 0; i < *pending; i++ {
		d := pcg.Uint64()
		q.push(event{at: int64(d % maxGap), prio: uint8(d>>32) % 3, kind: uint8(i)})
	}
	var now int64
	var sum uint64
	for n := uint64(0); n < *pops; n++ {
		e := q.pop()
		now = e.at
		sum += uint64(e.at) ^ e.seq ^ uint64(e.kind)
		d := pcg.Uint64()
		q.push(event{at: now + 1 + int64(d%maxGap), prio: uint8(d>>32) % 3, kind: e.kind})
	}
	fmt.Printf("pops=%d pending=%d checksum=%d end_ms=%d\n", *pops, len(q.items), sum, now)
}

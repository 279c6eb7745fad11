// Package sim is the discrete-event engine of runsim: a virtual clock, an
// event queue and a model of the industry data service's runs and
// long-running operations, driven by the decisions of package policy.
//
// The engine keeps virtual time only, in whole milliseconds; it starts no
// goroutines and reads no clock. Pending work sits in a queue ordered by
// (instant, priority, sequence number). Work due at the same instant is done
// in this stated order:
//
//  0. the throttle's slots that fall by themselves are measured (see below);
//  1. runs finishing (so a finished run frees the service and settles its
//     throttle slot first);
//  2. the scheduled run due;
//  3. client requests, first arrivals and retries alike, in the order they
//     were queued.
//
// Every random component draws from its own stream,
// rand.New(rand.NewPCG(seed, hash(component name))), so the same Config and
// seed give the same events, byte for byte, and adding a client does not
// change what another client draws.
//
// What happens is reported as typed [Event] records to [Observer]s, one at
// a time; the engine stores no trace, so memory does not grow with the
// horizon. Outcomes such as throttled, conflict or skipped are events, never
// Go errors.
//
// Besides the trace events, the engine reports measurement events of kind
// [SlotsChanged]: the slots of the throttle in use, as its limiter counts
// them ([policy.Limiter.Taken]), and their exact area since the previous
// one ([policy.Limiter.Integral]), with why they changed: a slot taken (by
// a start the throttle allowed, or forced without its leave), given back,
// freed by time at the instant the limiter announces
// ([policy.Limiter.NextFall], one live queue entry at a time), and once at
// End so that the last span is counted. Metrics and the throttle-window
// invariant read them instead of re-deriving what the throttle counts. A
// throttle without capacity (one that never refuses) is not measured.
// Measurement events are not trace lines: [TraceWriter] leaves them out in
// every format, [Kinds] and [ParseKind] do not know them, and
// [Result].Events does not count them, so traces are byte-identical whatever
// is measured.
package sim

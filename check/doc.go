// Package check runs scenarios and their expectations: the engine of
// "runsim check". Go tests use it through package checktest, which fails a
// testing.TB with the same messages (package check does not link testing).
//
// Each kind of expectation (scenario.ExpectCount, ExpectRequest,
// ExpectScheduled, ExpectNone, ExpectInvariant, ExpectMetric) has an
// evaluator of its own. They are evaluated as events stream by, each keeping
// a bounded state, so a scenario of any horizon can be checked without
// storing its trace; metrics are held against their confidence interval
// over the replications. A failure says what was expected, what happened,
// and the events around it (the last few before and the next few after).
//
// A scenario X.yaml may have a golden trace X.trace beside it; Run compares
// it event by event and reports the first difference with context, or
// rewrites it with Options.Update. WriteJUnit writes results for CI systems.
package check

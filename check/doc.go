// Package check runs scenarios and their expectations: the engine of
// "runsim check" and an API for users' own Go tests.
//
// Expectations are evaluated as events stream by, each keeping a bounded
// state, so a scenario of any horizon can be checked without storing its
// trace. A failure says what was expected, what happened, and the events
// around it (the last few before and the next few after).
//
// A scenario X.yaml may have a golden trace X.trace beside it; Run compares
// it event by event and reports the first difference with context, or
// rewrites it with Options.Update.
package check

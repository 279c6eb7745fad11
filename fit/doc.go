// Package fit tells which readings of the service's open questions agree
// with what the service answered, and designs the experiment that tells
// them apart.
//
// A Reading answers every open question that matters (Dimensions: window
// shape and its anchor, what counts, reserve, scheduled runs and the
// throttle, Retry-After, skip rule and where it is measured from, overlap)
// as scenario overrides. Fit replays a user's start requests (a Log, read
// by ReadRequests and ReadRuns) under every reading, with the observed
// runs' durations and outcomes as the run model, so that only the readings
// vary, and compares each predicted answer, its status and its Retry-After
// in whole seconds rounded up, and each predicted run start with what was
// observed, within a tolerance (DefaultTolerance). Design chooses a
// schedule of start requests, within a budget of starts, that the open
// readings answer as differently as they can; Execute carries it out
// against a Graph endpoint, moving runsim's emulator's clock instead of
// waiting.
//
// Everything here is deterministic: the same log gives the same result,
// the same base and budget the same plan. Functions are safe for
// concurrent use; a Plan is not.
package fit

// Package policy holds the decision rules of the industry data service that
// the documents leave open, each as a small interface with the documented
// reading as its default implementation.
//
// A policy knows nothing of the simulation engine: it is given the virtual
// instant as an argument (as golang.org/x/time/rate.Limiter.AllowN is) and
// returns a decision; the engine carries the decision out. Policies hold no
// random state and read no clock, so each one is tested alone at fixed
// instants.
//
// A policy also owns its meaning, so that nothing else re-derives it: every
// [Limiter] says how many slots it holds at an instant (Taken, in its own
// terms: a sliding log's slots in the trailing window, a fixed window's
// slots until it ends, a token bucket's missing tokens, GCRA's intervals
// ahead), their exact integral, when they next fall by themselves, and its
// capacity; a [Throttle] says what its reading promises ([Throttle.Promise])
// or why it promises nothing, and so does a skip rule ([SkipPromiseOf]).
//
// The documented rules and their defaults:
//
//   - Schedule: the service starts a run by itself every 12 hours ([Every]).
//   - Throttle: "up to five successful runs every 12 hours" ([SlidingLog] with
//     Limit 5, Window 12h, counting successful runs; a run in progress
//     reserves its slot and a failed run gives it back).
//   - SkipRule: "an on-demand run causes the next system-scheduled run to be
//     skipped if it is set to run within the next 10 hours" ([NextWithin],
//     10h, inclusive).
//   - Overlap: a start asked for while a run is in progress is refused with
//     409 Conflict; a scheduled run due while a run is in progress is skipped
//     ([Overlap] zero value).
package policy

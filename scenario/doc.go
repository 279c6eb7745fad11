// Package scenario reads scenario files: YAML documents that name the
// policies of the simulated service and the clients that call it, and
// builds the engine configuration from them.
//
// Decoding is strict: unknown or repeated fields, values of the wrong kind,
// bad durations (12h, 14d and 90m are good), bad rates (0.5/h, 3/d),
// negative or zero values where they make no sense, probabilities that do
// not sum to 1 and horizons past 1000 years are refused with an [Error]
// that says file:line:col and what is wrong. Overrides ("path=value", as
// given to runsim --set) are applied to the document before it is decoded,
// so they are checked the same way.
//
// The directory also holds the library of scenario files shipped with
// runsim (*.yaml).
package scenario

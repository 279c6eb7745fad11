// Package scenario reads scenario files: YAML documents that name the
// policies of the simulated service and the clients that call it, and
// builds the engine configuration from them.
//
// Decoding is strict: unknown or repeated fields, values of the wrong kind,
// bad durations (12h, 14d and 90m are good), bad rates (0.5/h, 3/d),
// negative or zero values where they make no sense, probabilities that do
// not sum to 1 and horizons past 200 years are refused with an [Error]
// that says file:line:col and what is wrong. Overrides ("path=value", as
// given to runsim --set) are applied to the document before it is decoded,
// so they are checked the same way.
//
// Every policy a file names by kind (throttles, skip rules, overlaps,
// schedules, arrival processes, retries, distributions) is a variant of a
// family, declared once in its family's table (throttles.go, skips.go,
// overlaps.go, schedules.go, arrivals.go, retries.go, distributions.go):
// its name, what it means, its options, a worked example, its checks and
// its builder. The validator, the builder ([Scenario.Config]), [Families]
// (what runsim policies prints) and [VariantTables] (README's reference)
// all read that table; an unknown name is an error that lists the known
// ones, and nothing falls back to a default. The defaults the tables
// document are read from [Default], never written twice.
package scenario

// Package experiment is the one place that wires a scenario to the engine
// and the collectors: every command (run, compare, sweep, capacity, check)
// goes through it, so their figures agree by construction. It runs
// scenarios many times: replications with confidence intervals
// (Replicate), variants side by side on common random numbers (Variants,
// Compare), parameter sweeps (Sweep, or one Shard of one with SweepShard)
// and capacity searches (SearchCapacity).
//
// Work is spread over workers, but results are always combined in the same
// order (replication by replication, point by point), so the output is the
// same, byte for byte, whatever the number of workers. Replication i of
// every point or variant uses seed sim.ReplicationSeed(seed, i): points and
// variants share their random numbers, which makes differences between
// them smoother. At most a few results per worker wait to be combined, so
// memory does not grow with the number of replications.
//
// experiment renders nothing: it does not link package reports (nor
// gonum/plot).
package experiment

// Package validation checks runsim against closed-form results of
// queueing and renewal theory: configurations the simulator can express
// for which the exact answer is known (an Erlang loss system for the
// sliding log, its insensitivity to the law of run durations, M/G/1/1
// conflicts, the token bucket as an M/D/1 queue with limited waiting,
// fixed windows, the skip rule under Poisson requests, an M/G/1 FIFO
// queue of buffered starts, a schedule with failing runs).
//
// Each Case has Points (a scenario) and Checks (a metric of the metrics
// table and its exact value). Run simulates a point with independent
// replications (experiment.Replicate) and a Result holds the exact value
// and the simulated mean with its Student-t 95% confidence interval; the
// check holds when the exact value lies inside the interval. About one
// check in twenty of a correct model lies outside by chance, so every
// point has a fixed seed (Seed, BaseSeed) and the suite is deterministic.
//
// Two forms: Short runs in go test (a few seconds), Long (go test
// ./validation -long) has intervals about four times tighter, and
// validation/cmd/validation-table writes its table into
// docs/VALIDATION.md, which derives every case.
package validation

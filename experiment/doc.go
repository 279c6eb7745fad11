// Package experiment runs scenarios many times: replications with
// confidence intervals, parameter sweeps and capacity searches.
//
// Work is spread over workers, but results are always combined in the same
// order (replication by replication, point by point), so the output is the
// same, byte for byte, whatever the number of workers. Replication i of
// every point uses seed sim.ReplicationSeed(seed, i): sweep points share
// their random numbers, which makes differences between them smoother. At
// most a few results per worker wait to be combined, so memory does not
// grow with the number of replications.
package experiment

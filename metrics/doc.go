// Package metrics measures runs of the engine: it turns the event records
// of package sim into summaries (counts of requests, answers, runs and
// scheduled runs; the freshness of the data; latencies; the throttle's
// occupancy, read from the engine's measurement events as the policy in
// force counts it) and accumulates them over replications with confidence
// intervals.
//
// Every figure is declared once, as a [Metric] in one table ([All],
// [Lookup]): its name, kind (count, fraction, duration, rate, level), title,
// meaning and how to read it off a [Summary]. Every output reads that
// table: the text summary and JSON, CSV and sweeps, capacity targets,
// comparisons, charts' axes and reports. An unknown name is an error.
//
// Everything is streamed: a [Collector] is an observer of one run and keeps
// a bounded amount of state whatever the horizon. Metrics read events only,
// never the engine's internals, and draw nothing: rendering is package
// reports'.
package metrics

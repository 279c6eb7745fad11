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
// The table is built from declarations, one file per concern (answers.go,
// runs.go, scheduled.go, freshness.go, latency.go, occupancy.go, polls.go,
// ...): each file declares, once, in an init function, its metrics together
// with the streaming measurement behind them and the event kinds that
// measurement reads (all of them, or first attempts only). The [Collector]
// tallies every event by kind and hands each event only to the
// measurements that read its kind, from lists made at construction; a
// metric that is only a count reads the tally and observes nothing. Outputs list metrics by the rank of their declaration,
// then in the order declared. A new metric is one new file and its test:
// its declaration, at a rank of its own, and its measurement if no existing
// one gives what it needs; a measured value no Summary field holds is a
// figure of the Summary (see figure in summary.go). README's metric table
// lists every metric, in order (TestREADMEMetricTable). A name or rank
// declared twice panics when the program starts.
//
// Everything is streamed: a [Collector] is an observer of one run and keeps
// a bounded amount of state whatever the horizon. Metrics read events only,
// never the engine's internals, and draw nothing: rendering is package
// reports'.
package metrics

// Package reports turns the event records of package sim into summaries:
// counts of requests, answers, runs and scheduled runs, and the freshness of
// the data (time since the last successful run finished), written as a
// table or as JSON.
//
// Everything is streamed: a [Collector] is an observer of one run and keeps
// a bounded amount of state whatever the horizon. Reports read events and
// results only, never the engine's internals.
package reports

// Package reports renders results: the text and JSON summary of a run,
// sweeps (CSV, JSON) and comparisons (text, JSON), charts (gonum/plot: PNG,
// SVG and the CSV behind each), and HTML and Markdown reports. It reads the
// results of package metrics, and the metric table for names, units and
// titles; it measures nothing itself. Every output goes through a real
// encoder (encoding/json, encoding/csv, html/template), every file through
// internal/atomicfile, and every writer returns the first write error.
//
// A sweep run in shards (runsim sweep --shard K/N) is written with a
// ShardHeader by WriteShardCSV or WriteShardJSON, read back exactly by
// ReadShard and put together by MergeShards, which refuses shards that do
// not make one whole sweep.
package reports

// Package reports renders results: the text and JSON summary of a run,
// charts (gonum/plot: PNG, SVG and the CSV behind each), and HTML and
// Markdown reports. It reads the results of package metrics and measures
// nothing itself.
package reports

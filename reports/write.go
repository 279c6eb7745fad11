package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"runsim/metrics"
	"runsim/policy"
)

// An Assumption is one policy setting in force, printed with every report
// so that nobody mistakes a guess for a fact.
type Assumption struct {
	Key, Value string
}

// RunReport is the outcome of one run of a scenario.
type RunReport struct {
	Scenario    string
	File        string
	Seed        uint64
	Summary     metrics.Summary // the first replication
	Assumptions []Assumption
	// Aggregate, with more than one replication, holds every metric over
	// all of them.
	Aggregate *metrics.Accumulator
}

// Replications is the number of replications behind the report.
func (r RunReport) Replications() int {
	if r.Aggregate != nil {
		return max(r.Aggregate.N(), 1)
	}
	return 1
}

// jsonInterval is a mean and its 95% confidence interval in JSON; with
// n < 2 there is no interval, and its bounds are left out.
type jsonInterval struct {
	Mean     float64  `json:"mean"`
	CI95Low  *float64 `json:"ci95_low,omitempty"`
	CI95High *float64 `json:"ci95_high,omitempty"`
	N        int      `json:"n"`
}

func toJSON(iv metrics.Interval) jsonInterval {
	out := jsonInterval{Mean: iv.Mean, N: iv.N}
	if HasInterval(iv) {
		out.CI95Low, out.CI95High = &iv.Low, &iv.High
	}
	return out
}

// interval is the metrics.Interval of a JSON one (NaN bounds without an
// interval).
func (j jsonInterval) interval() metrics.Interval {
	iv := metrics.Interval{Mean: j.Mean, Low: math.NaN(), High: math.NaN(), N: j.N}
	if j.CI95Low != nil && j.CI95High != nil {
		iv.Low, iv.High = *j.CI95Low, *j.CI95High
	}
	return iv
}

// HasInterval reports whether iv has a confidence interval: it takes two
// replications or more (n = 1 gives none).
func HasInterval(iv metrics.Interval) bool { return iv.N > 1 }

// NoInterval is what a report says when there is one replication.
const NoInterval = "n = 1: one replication gives no confidence interval; --replications N (N >= 2) gives one"

// intervalsJSON is every metric's interval by key.
func intervalsJSON(a IntervalSource) map[string]jsonInterval {
	out := map[string]jsonInterval{}
	for _, m := range metrics.All() {
		out[m.Key()] = toJSON(a.Interval(m.Name))
	}
	return out
}

// WriteJSON writes the report as one JSON object: scenario, seed, start
// and end, every metric of the first replication under its key (durations
// in seconds, keys ending in _s; fractions 0..1), the details the metrics
// sum up (scheduled_due, scheduled_skipped by reason, runs_in_progress,
// latency_n), the assumptions, and with more than one replication
// "aggregate": every metric's mean and 95% interval.
func (r RunReport) WriteJSON(w io.Writer) error {
	s := r.Summary
	out := map[string]any{
		"scenario": r.Scenario, "seed": r.Seed, "start": s.Start.UTC(), "end": s.End.UTC(),
		"replications": r.Replications(), "scheduled_due": s.ScheduledDue, "runs_in_progress": s.InProgress(),
		"latency_n": s.Latency.N,
	}
	if r.File != "" {
		out["file"] = r.File
	}
	if s.Warmup > 0 {
		out["warmup_s"] = s.Warmup.Seconds()
	}
	if s.ThrottledAccepted > 0 {
		out["throttled_accepted"] = s.ThrottledAccepted
	}
	for _, m := range metrics.All() {
		out[m.Key()] = m.Value(s)
	}
	skipped := map[string]int{}
	for k, v := range s.ScheduledSkipped {
		skipped[k] = v
	}
	out["scheduled_skipped_by_reason"] = skipped
	assumptions := map[string]string{}
	for _, a := range r.Assumptions {
		assumptions[a.Key] = a.Value
	}
	out["assumptions"] = assumptions
	if r.Aggregate != nil && r.Aggregate.N() > 1 {
		out["aggregate"] = intervalsJSON(r.Aggregate)
	}
	return encodeJSON(w, out)
}

// encodeJSON writes v indented, with a final newline.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// WriteText writes the report as a readable table, one row per metric in
// human units, followed by the details and the assumptions in force. No
// line ends in spaces.
func (r RunReport) WriteText(w io.Writer) error { return writeTrimmed(w, 0, r.writeTable) }

// writeTrimmed writes a table to w in one write: what fill writes through
// a tabwriter (flags: its alignment), each line without the blanks the
// tabwriter leaves at its end.
func writeTrimmed(w io.Writer, flags uint, fill func(tw io.Writer)) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', flags)
	fill(tw)
	if err := tw.Flush(); err != nil {
		return err
	}
	var out bytes.Buffer
	for line := range bytes.Lines(buf.Bytes()) {
		out.Write(bytes.TrimRight(line, " \n"))
		out.WriteByte('\n')
	}
	_, err := w.Write(out.Bytes())
	return err
}

func (r RunReport) writeTable(tw io.Writer) {
	s := r.Summary
	p := func(format string, args ...any) { fmt.Fprintf(tw, format+"\n", args...) }
	name := r.Scenario
	if r.File != "" {
		name += " (" + r.File + ")"
	}
	p("scenario\t%s", name)
	p("seed\t%d", r.Seed)
	p("period\t%s to %s (%s)", s.Start.UTC().Format(time.RFC3339), s.End.UTC().Format(time.RFC3339), policy.FormatDuration(s.End.Sub(s.Start)))
	if s.Warmup > 0 {
		p("measured from\t%s (a warm-up of %s left out)", s.From().UTC().Format(time.RFC3339), policy.FormatDuration(s.Warmup))
	}
	p("\t")
	n := r.Replications()
	if n > 1 {
		// The estimate and its interval first; one replication's value
		// last, labelled as such.
		p("\tmean of %d replications\t95%% confidence interval\treplication 1 (seed %d)", n, r.Seed)
	} else {
		p("\tone replication (seed %d); no interval: --replications N gives one", r.Seed)
	}
	for _, m := range metrics.All() {
		if n > 1 {
			iv := r.Aggregate.Interval(m.Name)
			p("%s\t%s\t[%s, %s]\t%s", m.Title, m.Format(iv.Mean), m.Format(iv.Low), m.Format(iv.High), m.Format(m.Value(s)))
		} else {
			p("%s\t%s", m.Title, m.Format(m.Value(s)))
		}
	}
	p("\t")
	if n > 1 {
		p("details\t(replication 1, seed %d)", r.Seed)
	} else {
		p("details\t(seed %d)", r.Seed)
	}
	count := func(n int) string { return metrics.FormatInt(int64(n)) }
	p("  runs in progress at end\t%s", count(s.InProgress()))
	p("  scheduled runs due\t%s", count(s.ScheduledDue))
	for _, reason := range []string{"on-demand", "run-in-progress", "throttled"} {
		p("  skipped: %s\t%s", reason, count(s.ScheduledSkipped[reason]))
	}
	p("  requests with a latency\t%s", count(s.Latency.N))
	p("\t")
	p("assumptions\t")
	for _, a := range r.Assumptions {
		p("  %s\t%s", a.Key, a.Value)
	}
}

// SweepReport is the table of a sweep: one row per point.
type SweepReport struct {
	Params []string
	Points []SweepPoint
}

// A SweepPoint is one combination of values and its metrics.
type SweepPoint struct {
	Values []string
	// Aggregate is a *metrics.Accumulator, or the Intervals of a point read
	// back from a shard.
	Aggregate IntervalSource
}

// An IntervalSource gives each metric's mean and 95% interval by name, as
// *metrics.Accumulator does.
type IntervalSource interface {
	Interval(metric string) metrics.Interval
}

// Intervals are metrics' intervals by name, as a shard carries them.
type Intervals map[string]metrics.Interval

// Interval is the metric's interval, all NaN for a name it lacks (as
// *metrics.Accumulator gives it).
func (iv Intervals) Interval(metric string) metrics.Interval {
	if v, ok := iv[metric]; ok {
		return v
	}
	return metrics.Interval{Mean: math.NaN(), Low: math.NaN(), High: math.NaN()}
}

type jsonSweepPoint struct {
	Params  map[string]string       `json:"params"`
	Metrics map[string]jsonInterval `json:"metrics"`
}

// WriteJSON writes the sweep as a JSON array, one object per point: the
// swept values under "params" and every metric's mean and 95% interval
// under "metrics", by key (durations in seconds).
func (sw *SweepReport) WriteJSON(w io.Writer) error {
	return encodeJSON(w, sw.jsonPoints())
}

func (sw *SweepReport) jsonPoints() []jsonSweepPoint {
	out := make([]jsonSweepPoint, len(sw.Points))
	for i, pt := range sw.Points {
		jp := jsonSweepPoint{Params: map[string]string{}, Metrics: intervalsJSON(pt.Aggregate)}
		for j, p := range sw.Params {
			jp.Params[p] = pt.Values[j]
		}
		out[i] = jp
	}
	return out
}

// WriteCSV writes the sweep as CSV: a column per parameter, then metric
// (its key), mean, ci95_low, ci95_high and n; a row per point and metric.
// With n = 1 the interval's columns are empty: one replication gives none.
func (sw *SweepReport) WriteCSV(w io.Writer) error { return sw.writeCSV(w, fmtF) }

// WriteWideCSV writes the sweep as CSV with a row per point, for a
// spreadsheet: a column per parameter, then n, then for each metric its
// key (which carries its unit: _s for seconds; fractions 0..1) for the
// mean, KEY_ci95_low and KEY_ci95_high (empty with n = 1).
func (sw *SweepReport) WriteWideCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	header := append(append([]string{}, sw.Params...), "n")
	for _, m := range metrics.All() {
		header = append(header, m.Key(), m.Key()+"_ci95_low", m.Key()+"_ci95_high")
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, pt := range sw.Points {
		row := append([]string{}, pt.Values...)
		row = append(row, strconv.Itoa(pt.Aggregate.Interval(metrics.All()[0].Name).N))
		for _, m := range metrics.All() {
			iv := pt.Aggregate.Interval(m.Name)
			low, high := "", ""
			if HasInterval(iv) {
				low, high = fmtF(iv.Low), fmtF(iv.High)
			}
			row = append(row, fmtF(iv.Mean), low, high)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeCSV writes the sweep as CSV, numbers formatted by num.
func (sw *SweepReport) writeCSV(w io.Writer, num func(float64) string) error {
	cw := csv.NewWriter(w)
	header := append(append([]string{}, sw.Params...), "metric", "mean", "ci95_low", "ci95_high", "n")
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, pt := range sw.Points {
		for _, m := range metrics.All() {
			iv := pt.Aggregate.Interval(m.Name)
			low, high := "", ""
			if HasInterval(iv) {
				low, high = num(iv.Low), num(iv.High)
			}
			row := append(append([]string{}, pt.Values...), m.Key(), num(iv.Mean), low, high, strconv.Itoa(iv.N))
			if err := cw.Write(row); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// ComparisonReport is a scenario and its variants side by side, each over
// the same replications (common random numbers).
type ComparisonReport struct {
	Scenario   string
	Seed       uint64
	Names      []string               // the baseline first
	Overrides  [][]string             // per variant, the --set overrides that make it (nil for the baseline or a file's variant)
	Aggregates []*metrics.Accumulator // per variant, every metric over the replications
	Changed    [][]Assumption         // per variant after the baseline, the assumptions that differ from it
}

// Replications is the number of replications behind each column.
func (c *ComparisonReport) Replications() int {
	if len(c.Aggregates) == 0 {
		return 0
	}
	return c.Aggregates[0].N()
}

// Value is the mean of a metric for variant i.
func (c *ComparisonReport) Value(i int, m metrics.Metric) float64 {
	return c.Aggregates[i].Interval(m.Name).Mean
}

// Values is the mean of a metric for each variant.
func (c *ComparisonReport) Values(m metrics.Metric) []float64 {
	out := make([]float64, len(c.Names))
	for i := range c.Names {
		out[i] = c.Value(i, m)
	}
	return out
}

// Rows returns the comparison table: a row per metric (its title), a cell
// per variant with its difference from the baseline, and with more than
// one replication the 95% interval of each mean.
func (c *ComparisonReport) Rows() [][]string {
	var out [][]string
	for _, m := range metrics.All() {
		row := []string{m.Title}
		base := c.Value(0, m)
		for i := range c.Names {
			iv := c.Aggregates[i].Interval(m.Name)
			cell := m.Format(iv.Mean)
			if c.Replications() > 1 {
				cell += " [" + m.Format(iv.Low) + ", " + m.Format(iv.High) + "]"
			}
			if i > 0 {
				cell += " (" + m.FormatDelta(iv.Mean-base) + ")"
			}
			row = append(row, cell)
		}
		out = append(out, row)
	}
	return out
}

// TextWidth is the widest a comparison's text lines may be: wider, the
// comparison is written a metric at a time with the variants as rows.
const TextWidth = 100

// WriteText writes the comparison as a table, a row per metric and a
// column per variant, or when that is wider than TextWidth a table per
// metric with a row per variant; then, for each variant, what differs
// from the baseline.
func (c *ComparisonReport) WriteText(w io.Writer) error {
	means := ""
	if c.Replications() > 1 {
		means = ", means [95% confidence intervals]"
	}
	var out bytes.Buffer
	fmt.Fprintf(&out, "scenario %s, seed %d, %d replication(s)%s;\nevery variant on the same random numbers", c.Scenario, c.Seed, c.Replications(), means)
	var wide bytes.Buffer
	if err := c.writeWide(&wide); err != nil {
		return err
	}
	fits := true
	for line := range bytes.Lines(wide.Bytes()) {
		if utf8.RuneCount(bytes.TrimRight(line, "\n")) > TextWidth {
			fits = false
		}
	}
	if fits {
		fmt.Fprintf(&out, "; differences from %s in brackets\n\n", c.Names[0])
		out.Write(wide.Bytes())
	} else {
		fmt.Fprintf(&out, "; a table per metric, differences from %s\n\n", c.Names[0])
		if err := c.writeLong(&out); err != nil {
			return err
		}
	}
	for i, changed := range c.Changed {
		fmt.Fprintf(&out, "\n%s differs from %s in:\n", c.Names[i+1], c.Names[0])
		for _, a := range changed {
			out.WriteString(wrap("  "+a.Key+": "+a.Value, TextWidth, "    "))
		}
	}
	_, err := w.Write(out.Bytes())
	return err
}

// writeWide writes a row per metric and a column per variant.
func (c *ComparisonReport) writeWide(w io.Writer) error {
	return writeTrimmed(w, tabwriter.AlignRight, func(tw io.Writer) {
		fmt.Fprint(tw, "\t")
		for _, n := range c.Names {
			fmt.Fprintf(tw, "%s\t", n)
		}
		fmt.Fprintln(tw)
		for _, row := range c.Rows() {
			for _, cell := range row {
				fmt.Fprintf(tw, "%s\t", cell)
			}
			fmt.Fprintln(tw)
		}
	})
}

// writeLong writes a table per metric: a row per variant with its value,
// its interval (with replications) and its difference from the baseline.
func (c *ComparisonReport) writeLong(w io.Writer) error {
	return writeTrimmed(w, 0, func(tw io.Writer) {
		reps := c.Replications() > 1
		for k, m := range metrics.All() {
			if k > 0 {
				fmt.Fprintln(tw, "\t")
			}
			head := m.Title + "\tvalue"
			if reps {
				head += "\t95% confidence interval"
			}
			fmt.Fprintln(tw, head+"\tdifference")
			base := c.Value(0, m)
			for i, n := range c.Names {
				iv := c.Aggregates[i].Interval(m.Name)
				line := "  " + n + "\t" + m.Format(iv.Mean)
				if reps {
					line += "\t[" + m.Format(iv.Low) + ", " + m.Format(iv.High) + "]"
				}
				if i > 0 {
					line += "\t" + m.FormatDelta(iv.Mean-base)
				} else {
					line += "\t(baseline)"
				}
				fmt.Fprintln(tw, line)
			}
		}
	})
}

// WriteCSV writes the comparison as CSV, a row per variant and metric:
// variant, metric (its key), mean, ci95_low and ci95_high (empty with one
// replication), n, and the difference from the baseline (in machine
// units: seconds, fractions 0..1).
func (c *ComparisonReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"variant", "metric", "mean", "ci95_low", "ci95_high", "n", "difference"}); err != nil {
		return err
	}
	for i, n := range c.Names {
		for _, m := range metrics.All() {
			iv := c.Aggregates[i].Interval(m.Name)
			low, high := "", ""
			if HasInterval(iv) {
				low, high = fmtF(iv.Low), fmtF(iv.High)
			}
			if err := cw.Write([]string{n, m.Key(), fmtF(iv.Mean), low, high, strconv.Itoa(iv.N), fmtF(iv.Mean - c.Value(0, m))}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

type jsonVariant struct {
	Name        string                  `json:"name"`
	Overrides   []string                `json:"overrides,omitempty"`
	Metrics     map[string]float64      `json:"metrics"`
	Intervals   map[string]jsonInterval `json:"intervals,omitempty"`
	Difference  map[string]float64      `json:"difference,omitempty"`
	Assumptions map[string]string       `json:"assumptions_changed,omitempty"`
}

// WriteJSON writes the comparison as one JSON object: scenario, seed,
// replications, and "variants", each with its metrics by key (means over
// the replications; durations in seconds), with more than one replication
// their 95% intervals, and after the baseline its differences from it and
// the assumptions that changed.
func (c *ComparisonReport) WriteJSON(w io.Writer) error {
	variants := make([]jsonVariant, len(c.Names))
	for i, n := range c.Names {
		v := jsonVariant{Name: n, Metrics: map[string]float64{}}
		if i < len(c.Overrides) {
			v.Overrides = c.Overrides[i]
		}
		if c.Replications() > 1 {
			v.Intervals = intervalsJSON(c.Aggregates[i])
		}
		if i > 0 {
			v.Difference = map[string]float64{}
			v.Assumptions = map[string]string{}
			for _, a := range c.Changed[i-1] {
				v.Assumptions[a.Key] = a.Value
			}
		}
		for _, m := range metrics.All() {
			v.Metrics[m.Key()] = c.Value(i, m)
			if i > 0 {
				v.Difference[m.Key()] = c.Value(i, m) - c.Value(0, m)
			}
		}
		variants[i] = v
	}
	return encodeJSON(w, map[string]any{"scenario": c.Scenario, "seed": c.Seed, "replications": c.Replications(), "variants": variants})
}

// wrap breaks s at spaces into lines of at most width runes (a longer word
// stands alone), the lines after the first indented.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = strings.Repeat(" ", len(s)-len(strings.TrimLeft(s, " "))) + word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width:
			b.WriteString(line + "\n")
			line = indent + word
		default:
			line += " " + word
		}
	}
	b.WriteString(line + "\n")
	return b.String()
}

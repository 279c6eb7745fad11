package reports

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"runsim/internal/atomicfile"
	"runsim/metrics"
)

// Page is what a report shows: a scenario, its assumptions and source,
// the summary of a run or the table of a sweep, and charts.
type Page struct {
	Title       string
	Scenario    string
	Description string
	File        string
	// Source is the scenario as it ran: the file as written, or with
	// Effective the document with the overrides applied.
	Source    string
	Effective bool
	// Command is the command line that made the report, and Overrides the
	// --set and --seed overrides in it (--seed as seed=N), in order.
	Command     string
	Overrides   []string
	Seed        uint64
	Version     string // of runsim
	Horizon     string
	Assumptions []Assumption

	Run        *RunReport        // for runsim run
	Sweep      *SweepReport      // for runsim sweep
	Comparison *ComparisonReport // for runsim compare

	Charts []Chart
}

// WriteComparison writes the report of a comparison into dir: report.html,
// report.md, summary.json (as runsim compare --format json prints it) and a
// bar chart per key metric with its CSV.
func WriteComparison(dest string, page Page) error {
	return writeDir(dest, func(dir string) error { return writeComparison(dir, page) })
}

func writeComparison(dir string, page Page) error {
	cmp := page.Comparison
	for _, m := range KeyMetrics {
		c, err := ComparisonChart(dir, m, cmp.Names, cmp.Values(m))
		if err != nil {
			return err
		}
		page.Charts = append(page.Charts, c)
	}
	if err := writeFile(filepath.Join(dir, "summary.json"), cmp.WriteJSON); err != nil {
		return err
	}
	return page.write(dir)
}

// ComparisonRows returns the comparison table: a row per metric, a cell per
// variant with its difference from the baseline.
func (p Page) ComparisonRows() [][]string { return p.Comparison.Rows() }

// KeyMetrics are the metrics sweep and comparison reports chart and
// tabulate.
var KeyMetrics = []metrics.Metric{
	metrics.MustLookup("throttled_fraction"), metrics.MustLookup("conflict_fraction"), metrics.MustLookup("freshness_p95"),
	metrics.MustLookup("latency_p95"), metrics.MustLookup("runs_per_day"), metrics.MustLookup("occupancy_mean"),
}

// WriteRun writes the report of a run into dir: report.html, report.md,
// summary.json, and the timeline's charts with their CSVs.
func WriteRun(dest string, page Page, tl *metrics.Timeline) error {
	return writeDir(dest, func(dir string) error { return writeRun(dir, page, tl) })
}

func writeRun(dir string, page Page, tl *metrics.Timeline) error {
	charts, err := Charts(tl, dir)
	if err != nil {
		return err
	}
	page.Charts = charts
	if err := writeFile(filepath.Join(dir, "summary.json"), page.Run.WriteJSON); err != nil {
		return err
	}
	return page.write(dir)
}

// SweepWideCSV is the sweep's table in a report folder, a row per point.
const SweepWideCSV = "sweep-wide.csv"

// WriteSweep writes the report of a sweep into dir: report.html, report.md,
// summary.json, sweep-wide.csv (a row per point, for a spreadsheet), and
// a chart per key metric with its CSV.
func WriteSweep(dest string, page Page) error {
	return writeDir(dest, func(dir string) error { return writeSweep(dir, page) })
}

func writeSweep(dir string, page Page) error {
	sw := page.Sweep
	for _, m := range KeyMetrics {
		c, err := SweepChart(dir, sw.Params[0], m, sweepCurves(sw, m))
		if err != nil {
			return err
		}
		page.Charts = append(page.Charts, c)
	}
	if err := writeFile(filepath.Join(dir, "summary.json"), sw.WriteJSON); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, SweepWideCSV), sw.WriteWideCSV); err != nil {
		return err
	}
	return page.write(dir)
}

// sweepCurves groups a sweep's points by the second parameter's value.
func sweepCurves(sw *SweepReport, m metrics.Metric) []SweepCurve {
	var curves []SweepCurve
	index := map[string]int{}
	for i, pt := range sw.Points {
		label := ""
		if len(pt.Values) > 1 {
			// The field's last name is enough beside the chart's title.
			param := sw.Params[1]
			param = param[strings.LastIndex(param, ".")+1:]
			label = param + "=" + strings.Join(pt.Values[1:], ",")
		}
		k, ok := index[label]
		if !ok {
			k = len(curves)
			index[label] = k
			curves = append(curves, SweepCurve{Label: label})
		}
		c := &curves[k]
		x, ok := leadingNumber(pt.Values[0])
		if !ok {
			x = float64(i)
		}
		iv := pt.Aggregate.Interval(m.Name)
		c.Single = !HasInterval(iv)
		c.X = append(c.X, x)
		c.Labels = append(c.Labels, pt.Values[0])
		c.Mean, c.Low, c.High = append(c.Mean, iv.Mean), append(c.Low, iv.Low), append(c.High, iv.High)
	}
	return curves
}

func leadingNumber(s string) (float64, bool) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.' || s[i] == '-') {
		i++
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	return v, err == nil
}

func (p Page) write(dir string) error {
	if err := writeFile(filepath.Join(dir, "report.html"), func(w io.Writer) error { return pageTemplate.Execute(w, p) }); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "report.md"), func(w io.Writer) error {
		_, err := io.WriteString(w, p.markdown())
		return err
	})
}

// writeDir writes a report folder whole (atomicfile.Dir): write fills a
// folder beside dest, which then replaces dest and any older report in
// it, so that no stale file survives and a failed or interrupted report
// leaves the older one as it was. A folder runsim did not write is never
// replaced.
func writeDir(dest string, write func(dir string) error) error {
	d, err := atomicfile.CreateDir(dest)
	if err != nil {
		return err
	}
	defer d.Abort()
	if err := write(d.Path); err != nil {
		return pathsIn(err, d)
	}
	return d.Commit()
}

// pathsIn is err with the temporary folder's name replaced by its
// destination's.
func pathsIn(err error, d *atomicfile.Dir) error {
	if msg := err.Error(); strings.Contains(msg, d.Path) {
		return errors.New(strings.ReplaceAll(msg, d.Path, d.Dest))
	}
	return err
}

// writeFile writes a file whole or not at all with what write produces.
func writeFile(path string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

// Rows returns the summary rows of a run report: metric, value, and the
// 95% interval when there are replications.
func (p Page) Rows() [][3]string {
	var out [][3]string
	s := p.Run.Summary
	for _, m := range metrics.All() {
		v := m.Value(s)
		ci := ""
		if a := p.Run.Aggregate; a != nil && a.N() > 1 {
			iv := a.Interval(m.Name)
			v = iv.Mean
			ci = "[" + m.Format(iv.Low) + ", " + m.Format(iv.High) + "]"
		}
		out = append(out, [3]string{m.Title, m.Format(v), ci})
	}
	return out
}

// ChartsNote says which replication the charts of a run report draw.
func (p Page) ChartsNote() string {
	if p.Run == nil {
		return ""
	}
	if n := p.Replications(); n > 1 {
		return fmt.Sprintf("The charts draw replication 1 (seed %d) of the %d; the summary above is over all of them.", p.Seed, n)
	}
	return fmt.Sprintf("The charts draw the one replication (seed %d).", p.Seed)
}

// Replications is the number of replications behind a run report.
func (p Page) Replications() int {
	if p.Run != nil {
		return p.Run.Replications()
	}
	return 1
}

// SweepRows returns the sweep table: one row per point, the key metrics'
// means with their intervals.
func (p Page) SweepRows() [][]string {
	var out [][]string
	for _, pt := range p.Sweep.Points {
		row := append([]string{}, pt.Values...)
		for _, m := range KeyMetrics {
			iv := pt.Aggregate.Interval(m.Name)
			cell := m.Format(iv.Mean)
			if HasInterval(iv) {
				cell += fmt.Sprintf(" [%s, %s]", m.Format(iv.Low), m.Format(iv.High))
			}
			row = append(row, cell)
		}
		out = append(out, row)
	}
	return out
}

// SweepNote says what a sweep's cells are: means with their intervals,
// or with one replication per point, single values without one.
func (p Page) SweepNote() string {
	if p.Sweep != nil && len(p.Sweep.Points) > 0 && !HasInterval(p.Sweep.Points[0].Aggregate.Interval(KeyMetrics[0].Name)) {
		return "One replication per point: each cell is its value. " + NoInterval + "."
	}
	return "Mean [95% confidence interval] at each point; every point uses the same seeds."
}

// KeyMetricTitles are the titles of the metrics a sweep report tabulates.
func (p Page) KeyMetricTitles() []string {
	out := make([]string, len(KeyMetrics))
	for i, m := range KeyMetrics {
		out[i] = m.Title
	}
	return out
}

func (p Page) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", mdText(p.Title))
	if p.Description != "" {
		fmt.Fprintf(&b, "%s\n\n", mdText(p.Description))
	}
	fmt.Fprintf(&b, "Scenario %s (%s), seed %d, horizon %s, runsim %s.\n\n", mdCode(p.Scenario), mdCode(p.File), p.Seed, p.Horizon, p.Version)
	b.WriteString(p.reproduceMarkdown())
	if p.Run != nil {
		fmt.Fprintf(&b, "## Summary\n\nOver %d replication(s); the interval is the 95%% confidence interval of the mean.\n\n| metric | value | 95%% CI |\n|---|---|---|\n", p.Replications())
		for _, r := range p.Rows() {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", r[0], r[1], r[2])
		}
	}
	if p.Comparison != nil {
		b.WriteString("## Comparison\n\nEvery variant on the same random numbers; differences from the first column in brackets.\n\n| metric |")
		for _, n := range p.Comparison.Names {
			fmt.Fprintf(&b, " %s |", mdText(n))
		}
		b.WriteString("\n|" + strings.Repeat("---|", len(p.Comparison.Names)+1) + "\n")
		for _, row := range p.ComparisonRows() {
			fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
		}
		for i, changed := range p.Comparison.Changed {
			fmt.Fprintf(&b, "\n**%s** differs from %s in:\n\n", mdText(p.Comparison.Names[i+1]), mdText(p.Comparison.Names[0]))
			for _, a := range changed {
				fmt.Fprintf(&b, "- %s: %s\n", mdText(a.Key), mdText(a.Value))
			}
		}
	}
	if p.Sweep != nil {
		b.WriteString("## Sweep\n\n" + p.SweepNote() + " Every metric, a row per point: [sweep-wide.csv](sweep-wide.csv).\n\n|")
		for _, h := range append(append([]string{}, p.Sweep.Params...), p.KeyMetricTitles()...) {
			fmt.Fprintf(&b, " %s |", mdText(h))
		}
		b.WriteString("\n|" + strings.Repeat("---|", len(p.Sweep.Params)+len(KeyMetrics)) + "\n")
		for _, row := range p.SweepRows() {
			fmt.Fprintf(&b, "| %s |\n", strings.Join(row, " | "))
		}
	}
	b.WriteString("\n## Charts\n\n")
	if note := p.ChartsNote(); note != "" {
		b.WriteString(note + "\n\n")
	}
	for _, c := range p.Charts {
		fmt.Fprintf(&b, "### %s\n\n![%s](%s)\n\nData: [%s](%s)\n\n", c.Title, c.Title, c.PNG, c.CSV, c.CSV)
	}
	b.WriteString("## Assumptions\n\n| setting | in force |\n|---|---|\n")
	for _, a := range p.Assumptions {
		fmt.Fprintf(&b, "| %s | %s |\n", mdText(a.Key), mdText(a.Value))
	}
	fence := mdFence(p.Source)
	fmt.Fprintf(&b, "\n## Scenario\n\n%s\n\n%syaml\n%s\n%s\n", mdText(p.SourceNote()), fence, strings.TrimRight(p.Source, "\n"), fence)
	return b.String()
}

// reproduceMarkdown is the command line and the overrides in Markdown.
func (p Page) reproduceMarkdown() string {
	if p.Command == "" && len(p.Overrides) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("## How this report was made\n\n")
	if p.Command != "" {
		fence := mdFence(p.Command)
		fmt.Fprintf(&b, "%ssh\n%s\n%s\n\n", fence, p.Command, fence)
	}
	if len(p.Overrides) > 0 {
		b.WriteString("Overrides, in order:\n\n")
		for _, o := range p.Overrides {
			fmt.Fprintf(&b, "- %s\n", mdCode(o))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// SourceNote says what the scenario shown is: the file as written, or the
// file with the overrides applied.
func (p Page) SourceNote() string {
	if p.Effective {
		return fmt.Sprintf("As it ran: %s with the %d override(s) above applied, each commented with its override (the file's own comments are not kept).", p.File, len(p.Overrides))
	}
	return fmt.Sprintf("As written in %s; nothing overrides it.", p.File)
}

// mdEscaper escapes what Markdown or the HTML inside it would read in a
// piece of text from a scenario (its name, description, client and
// variant names): markup characters get a backslash, so that
// "</script><img onerror=...>" is shown as written and never becomes
// HTML, and line breaks become spaces, so that text cannot end a table
// row or start a block.
var mdEscaper = strings.NewReplacer(
	"\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "|", "\\|",
	"<", "\\<", ">", "\\>", "&", "\\&", "~", "\\~",
	"\r\n", " ", "\n", " ", "\r", " ",
)

// mdText is text from a scenario, escaped for Markdown.
func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCode is s as a code span: line breaks as spaces, between runs of
// backticks longer than any in s (padded with spaces when s starts or
// ends with one), as CommonMark reads code spans.
func mdCode(s string) string {
	s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	ticks := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return ticks + s + ticks
}

// mdFence is a code fence longer than any run of backticks in s, so that
// the scenario's source cannot close its block early.
func mdFence(s string) string { return strings.Repeat("`", max(3, longestRun(s, '`')+1)) }

func longestRun(s string, c byte) int {
	longest, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			longest = max(longest, n)
		} else {
			n = 0
		}
	}
	return longest
}

var pageTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"svg": func(c Chart) template.HTML { return template.HTML(c.InlineSVG()) }, // our own SVG from gonum/plot
	"inc": func(i int) int { return i + 1 },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
  body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0; background: #f6f7f9; }
  header { background: #1f3a5f; color: #fff; padding: 24px 40px; }
  header h1 { margin: 0 0 4px; font-size: 26px; }
  header p { margin: 2px 0; opacity: .9; }
  main { max-width: 1100px; margin: 0 auto; padding: 8px 40px 40px; }
  section { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.08); padding: 16px 24px; margin: 20px 0; }
  h2 { font-size: 19px; margin: 4px 0 12px; color: #1f3a5f; }
  h3 { font-size: 15px; margin: 20px 0 6px; }
  table { border-collapse: collapse; width: 100%; font-size: 14px; }
  th, td { text-align: left; padding: 5px 10px; border-bottom: 1px solid #e5e7eb; vertical-align: top; }
  th { background: #f0f3f7; }
  td.num { font-variant-numeric: tabular-nums; }
  .chart svg { width: 100%; height: auto; }
  .note { color: #555; font-size: 13px; }
  pre { background: #f6f8fa; padding: 12px; border-radius: 6px; overflow-x: auto; font-size: 13px; }
  pre.cmd { white-space: pre-wrap; overflow-wrap: anywhere; }
  .wide { overflow-x: auto; }
  #sweep table { font-size: 13px; }
  footer { color: #666; font-size: 12px; text-align: center; padding: 16px; }
</style>
</head>
<body>
<header>
  <h1>{{.Title}}</h1>
  {{if .Description}}<p>{{.Description}}</p>{{end}}
  <p>scenario <b>{{.Scenario}}</b> ({{.File}}) · seed {{.Seed}} · horizon {{.Horizon}} · runsim {{.Version}}</p>
</header>
<main>
{{if or .Command .Overrides}}
<section id="reproduce">
  <h2>How this report was made</h2>
  {{if .Command}}<pre class="cmd">{{.Command}}</pre>{{end}}
  {{if .Overrides}}<p class="note">Overrides, in order:</p>
  <ul>{{range .Overrides}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
</section>
{{end}}
{{if .Run}}
<section id="summary">
  <h2>Summary</h2>
  <p class="note">Over {{.Replications}} replication(s){{if gt .Replications 1}}: each value is the mean, with its 95% confidence interval (Student t){{else}} (seed {{.Seed}}){{end}}. Durations are in hours and minutes; freshness is the time since the last successful run finished, weighted by time.</p>
  <table>
    <tr><th>metric</th><th>value</th>{{if gt .Replications 1}}<th>95% confidence interval</th>{{end}}</tr>
    {{range .Rows}}<tr><td>{{index . 0}}</td><td class="num">{{index . 1}}</td>{{if index . 2}}<td class="num">{{index . 2}}</td>{{end}}</tr>
    {{end}}
  </table>
</section>
{{end}}
{{if .Comparison}}
<section id="comparison">
  <h2>Comparison</h2>
  <p class="note">Every variant runs on the same random numbers: the same requests at the same instants. Differences from the first column in brackets.</p>
  <table>
    <tr><th>metric</th>{{range .Comparison.Names}}<th>{{.}}</th>{{end}}</tr>
    {{range .ComparisonRows}}<tr>{{range .}}<td class="num">{{.}}</td>{{end}}</tr>
    {{end}}
  </table>
  {{range $i, $changed := .Comparison.Changed}}<h3>{{index $.Comparison.Names (inc $i)}}: what differs from {{index $.Comparison.Names 0}}</h3>
  <table>{{range $changed}}<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>{{end}}</table>
  {{end}}
</section>
{{end}}
{{if .Sweep}}
<section id="sweep">
  <h2>Sweep</h2>
  <p class="note">{{.SweepNote}} Every metric, a row per point: <a href="sweep-wide.csv">sweep-wide.csv</a>.</p>
  <div class="wide"><table>
    <tr>{{range .Sweep.Params}}<th>{{.}}</th>{{end}}{{range .KeyMetricTitles}}<th>{{.}}</th>{{end}}</tr>
    {{range .SweepRows}}<tr>{{range .}}<td class="num">{{.}}</td>{{end}}</tr>
    {{end}}
  </table></div>
</section>
{{end}}
<section id="charts">
  <h2>Charts</h2>
  {{with .ChartsNote}}<p class="note">{{.}}</p>{{end}}
  {{range .Charts}}<div class="chart" id="chart-{{.Name}}">
    <h3>{{.Title}}</h3>
    {{svg .}}
    <p class="note">Data: <a href="{{.CSV}}">{{.CSV}}</a> · <a href="{{.PNG}}">PNG</a> · <a href="{{.SVG}}">SVG</a></p>
  </div>
  {{end}}
</section>
<section id="assumptions">
  <h2>Assumptions</h2>
  <p class="note">The policy settings in force: where the documents are silent these are readings, not facts.</p>
  <table>
    {{range .Assumptions}}<tr><th>{{.Key}}</th><td>{{.Value}}</td></tr>
    {{end}}
  </table>
</section>
<section id="scenario">
  <h2>Scenario</h2>
  <p class="note">{{.SourceNote}}</p>
  <pre>{{.Source}}</pre>
</section>
</main>
<footer>runsim {{.Version}} · seed {{.Seed}}</footer>
</body>
</html>
`))

package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image/color"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"runsim/internal/atomicfile"
	"runsim/metrics"
	"runsim/policy"
)

// Chart sizes: 10 × 4 inches, which the PNG renders at 96 dpi.
const (
	ChartWidth  = 10 * vg.Inch
	ChartHeight = 4 * vg.Inch
	// ChartPixels are the PNG's width and height.
	ChartPixelsWide, ChartPixelsHigh = 960, 384
)

// A Chart is a chart written to a folder: PNG, SVG and the CSV of the data
// behind it.
type Chart struct {
	Name, Title string
	PNG, SVG    string // file names in the folder
	CSV         string
	svg         []byte
}

// InlineSVG returns the SVG without its XML prolog, for embedding in HTML.
func (c Chart) InlineSVG() string {
	s := c.svg
	if i := bytes.Index(s, []byte("<svg")); i > 0 {
		s = s[i:]
	}
	return string(s)
}

var (
	blue   = color.RGBA{R: 31, G: 119, B: 180, A: 255}
	orange = color.RGBA{R: 255, G: 127, B: 14, A: 255}
	red    = color.RGBA{R: 214, G: 39, B: 40, A: 255}
	purple = color.RGBA{R: 148, G: 103, B: 189, A: 255}
	grey   = color.RGBA{R: 127, G: 127, B: 127, A: 255}
	green  = color.RGBA{R: 44, G: 160, B: 44, A: 255}
)

// timeAxis says how a chart's x axis counts time: hours for horizons up to
// three days, days beyond.
type timeAxis struct {
	start time.Time
	unit  time.Duration
	label string
}

func newTimeAxis(start, end time.Time) timeAxis {
	if end.Sub(start) <= 72*time.Hour {
		return timeAxis{start, time.Hour, "time since " + start.UTC().Format(time.RFC3339) + " (hours)"}
	}
	return timeAxis{start, 24 * time.Hour, "time since " + start.UTC().Format(time.RFC3339) + " (days)"}
}

func (a timeAxis) x(t time.Time) float64 { return float64(t.Sub(a.start)) / float64(a.unit) }

func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p
}

// save writes the plot as PNG and SVG and the rows as CSV.
func save(dir, name, title string, p *plot.Plot, header []string, rows [][]string) (Chart, error) {
	c := Chart{Name: name, Title: title, PNG: name + ".png", SVG: name + ".svg", CSV: name + ".csv"}
	image := func(format string) func(io.Writer) error {
		return func(w io.Writer) error {
			wt, err := p.WriterTo(ChartWidth, ChartHeight, format)
			if err != nil {
				return err
			}
			_, err = wt.WriteTo(w)
			return err
		}
	}
	if err := writeFile(filepath.Join(dir, c.PNG), image("png")); err != nil {
		return c, err
	}
	var svg bytes.Buffer
	if err := image("svg")(&svg); err != nil {
		return c, err
	}
	c.svg = svg.Bytes()
	if err := atomicfile.Write(filepath.Join(dir, c.SVG), c.svg); err != nil {
		return c, err
	}
	err := writeFile(filepath.Join(dir, c.CSV), func(w io.Writer) error {
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		return cw.WriteAll(rows)
	})
	return c, err
}

func rfc(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) }

// Charts draws the timeline's charts into dir: the runs and refusals of the
// first days, the freshness sawtooth, the throttle window occupancy against
// the limit, and cumulative events by kind.
func Charts(t *metrics.Timeline, dir string) ([]Chart, error) {
	var out []Chart
	for _, draw := range []func(*metrics.Timeline, string) (Chart, error){timelineChart, freshnessChart, occupancyChart, cumulativeChart} {
		c, err := draw(t, dir)
		if err != nil {
			return out, err
		}
		out = append(out, c)
	}
	return out, nil
}

// TimelineDays is how much of the horizon the timeline chart shows.
const TimelineDays = 14

func timelineChart(t *metrics.Timeline, dir string) (Chart, error) {
	end := t.End
	title := "Runs and refusals"
	if end.Sub(t.Start) > TimelineDays*24*time.Hour {
		end = t.Start.Add(TimelineDays * 24 * time.Hour)
		title += fmt.Sprintf(" (first %d days)", TimelineDays)
	}
	ax := newTimeAxis(t.Start, end)
	p := newPlot(title, ax.label, "")
	lanes := []plot.Tick{{Value: 5, Label: "scheduled runs"}, {Value: 4, Label: "on-demand runs"},
		{Value: 3, Label: "throttled (429)"}, {Value: 2, Label: "conflict (409)"}, {Value: 1, Label: "scheduled skipped"}}
	p.Y.Tick.Marker = plot.ConstantTicks(lanes)
	p.Y.Min, p.Y.Max = 0.3, 5.7
	p.X.Min, p.X.Max = 0, ax.x(end)
	var rows [][]string
	legend := map[string]bool{}
	for _, r := range t.Runs {
		if !r.Start.Before(end) {
			continue
		}
		lane, c, name := 5.0, blue, "scheduled run"
		if r.Trigger == policy.OnDemand {
			lane, c, name = 4.0, orange, "on-demand run"
		}
		stop := r.End
		if stop.After(end) {
			stop = end
		}
		l, err := plotter.NewLine(plotter.XYs{{X: ax.x(r.Start), Y: lane}, {X: ax.x(stop), Y: lane}})
		if err != nil {
			return Chart{}, err
		}
		l.Color, l.Width = c, vg.Points(9)
		if r.Finished && !r.Status.Succeeded() {
			l.Color = red
			name = "failed run"
		}
		p.Add(l)
		if !legend[name] {
			p.Legend.Add(name, l)
			legend[name] = true
		}
		rows = append(rows, []string{"run", rfc(r.Start), rfc(r.End), r.Trigger.String(), r.Status.String(), ""})
	}
	marks := map[string]*plotter.XYs{"throttled": {}, "conflict": {}, "skipped": {}}
	laneOf := map[string]float64{"throttled": 3, "conflict": 2, "skipped": 1}
	for _, m := range t.Marks {
		if m.At.Before(end) {
			*marks[m.Kind] = append(*marks[m.Kind], plotter.XY{X: ax.x(m.At), Y: laneOf[m.Kind]})
		}
		rows = append(rows, []string{m.Kind, rfc(m.At), "", "", "", m.Detail})
	}
	for _, k := range []string{"throttled", "conflict", "skipped"} {
		if len(*marks[k]) == 0 {
			continue
		}
		s, err := plotter.NewScatter(*marks[k])
		if err != nil {
			return Chart{}, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: map[string]color.Color{"throttled": red, "conflict": purple, "skipped": grey}[k],
			Radius: vg.Points(3.5), Shape: map[string]draw.GlyphDrawer{"throttled": draw.TriangleGlyph{}, "conflict": draw.CrossGlyph{}, "skipped": draw.CircleGlyph{}}[k]}
		p.Add(s)
	}
	p.Legend.Top, p.Legend.Left = true, false
	return save(dir, "timeline", title, p, []string{"kind", "at", "end", "trigger", "status", "detail"}, rows)
}

func freshnessChart(t *metrics.Timeline, dir string) (Chart, error) {
	ax := newTimeAxis(t.Start, t.End)
	title := "Freshness: time since the last successful run finished"
	p := newPlot(title, ax.label, "age of the data (hours)")
	var xys plotter.XYs
	var rows [][]string
	for _, a := range t.Freshness() {
		xys = append(xys, plotter.XY{X: ax.x(a.At), Y: a.Age.Hours()})
		rows = append(rows, []string{rfc(a.At), secs(a.Age)})
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return Chart{}, err
	}
	l.Color, l.Width = green, vg.Points(1.5)
	p.Add(l)
	p.Y.Min = 0
	return save(dir, "freshness", title, p, []string{"at", "age_s"}, rows)
}

func occupancyChart(t *metrics.Timeline, dir string) (Chart, error) {
	ax := newTimeAxis(t.Start, t.End)
	title := "Throttle window occupancy against the limit"
	p := newPlot(title, ax.label, "counted runs in the window")
	xys := plotter.XYs{{X: 0, Y: 0}}
	rows := [][]string{{rfc(t.Start), "0"}}
	for _, s := range t.Occupancy {
		xys = append(xys, plotter.XY{X: ax.x(s.At), Y: float64(s.Value)})
		rows = append(rows, []string{rfc(s.At), strconv.FormatFloat(s.Value, 'g', -1, 64)})
	}
	last := xys[len(xys)-1].Y
	xys = append(xys, plotter.XY{X: ax.x(t.End), Y: last})
	l, err := plotter.NewLine(xys)
	if err != nil {
		return Chart{}, err
	}
	l.StepStyle = plotter.PostStep
	l.Color, l.Width = blue, vg.Points(1.5)
	p.Add(l)
	p.Legend.Add("occupancy", l)
	if t.Limit > 0 {
		lim, err := plotter.NewLine(plotter.XYs{{X: 0, Y: float64(t.Limit)}, {X: ax.x(t.End), Y: float64(t.Limit)}})
		if err != nil {
			return Chart{}, err
		}
		lim.Color, lim.Dashes = red, []vg.Length{vg.Points(6), vg.Points(4)}
		p.Add(lim)
		p.Legend.Add(fmt.Sprintf("limit (%d)", t.Limit), lim)
	}
	p.Y.Min = 0
	p.Y.Max = max(float64(t.Limit), t.OccupancyMax()) + 1
	var ticks []plot.Tick
	for v := 0; v <= int(p.Y.Max); v += max(1, int(p.Y.Max)/10) {
		ticks = append(ticks, plot.Tick{Value: float64(v), Label: strconv.Itoa(v)})
	}
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	return save(dir, "occupancy", title, p, []string{"at", "count"}, rows)
}

func cumulativeChart(t *metrics.Timeline, dir string) (Chart, error) {
	ax := newTimeAxis(t.Start, t.End)
	title := "Cumulative events by kind"
	p := newPlot(title, ax.label, "events")
	names := make([]string, 0, len(t.Cumulative))
	for n := range t.Cumulative {
		names = append(names, n)
	}
	slices.Sort(names)
	palette := []color.Color{blue, green, red, purple, orange, grey}
	var rows [][]string
	for i, n := range names {
		xys := plotter.XYs{{X: 0, Y: 0}}
		for _, s := range t.Cumulative[n] {
			xys = append(xys, plotter.XY{X: ax.x(s.At), Y: float64(s.Value)})
		}
		steps := t.Cumulative[n]
		xys = append(xys, plotter.XY{X: ax.x(t.End), Y: float64(steps[len(steps)-1].Value)})
		rows = append(rows, []string{n, strconv.Itoa(steps[len(steps)-1].Value)})
		l, err := plotter.NewLine(xys)
		if err != nil {
			return Chart{}, err
		}
		l.StepStyle = plotter.PostStep
		l.Color, l.Width = palette[i%len(palette)], vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(n, l)
	}
	p.Legend.Left = true
	p.Y.Min = 0
	return save(dir, "cumulative", title, p, []string{"kind", "total"}, rows)
}

// SweepCurve is one metric over a swept parameter, for a chart: one line
// per value of a second parameter (Label), or a single line.
type SweepCurve struct {
	Label           string
	X               []float64 // the parameter's numeric values
	Labels          []string  // as written
	Mean, Low, High []float64
}

// axis returns a metric's axis title and the scale from its values (in
// the metric's unit) to the axis': hours for durations, percentages for
// fractions.
func axis(m metrics.Metric) (string, float64) {
	switch m.Kind {
	case metrics.Duration:
		return m.Title + " (hours)", 1.0 / 3600
	case metrics.Fraction:
		return m.Title + " (%)", 100
	case metrics.Rate:
		return m.Title + " (per day)", 1
	}
	return m.Title, 1
}

// SweepChart draws a metric over a parameter, each curve with its 95%
// confidence band. Its CSV holds the values in machine units (seconds,
// fractions 0..1).
func SweepChart(dir, param string, m metrics.Metric, curves []SweepCurve) (Chart, error) {
	title := m.Title + " by " + param + " (mean, 95% confidence band)"
	yLabel, scale := axis(m)
	xLabel := param
	if u := unitOf(curves); u != "" {
		xLabel += " (" + u + ")"
	}
	p := newPlot(title, xLabel, yLabel)
	p.Legend.Left = true
	palette := []color.RGBA{blue, orange, green, purple, red, grey}
	var rows [][]string
	for k, c := range curves {
		col := palette[k%len(palette)]
		var band, mean plotter.XYs
		for i := range c.X {
			mean = append(mean, plotter.XY{X: c.X[i], Y: c.Mean[i] * scale})
			band = append(band, plotter.XY{X: c.X[i], Y: c.High[i] * scale})
			rows = append(rows, []string{c.Label, c.Labels[i], m.Key(), fmtF(c.Mean[i]), fmtF(c.Low[i]), fmtF(c.High[i])})
		}
		for i := len(c.X) - 1; i >= 0; i-- {
			band = append(band, plotter.XY{X: c.X[i], Y: c.Low[i] * scale})
		}
		poly, err := plotter.NewPolygon(band)
		if err != nil {
			return Chart{}, err
		}
		poly.Color = color.NRGBA{R: col.R, G: col.G, B: col.B, A: 60} // not premultiplied: a translucent fill
		poly.LineStyle.Width = 0
		p.Add(poly)
		l, s, err := plotter.NewLinePoints(mean)
		if err != nil {
			return Chart{}, err
		}
		l.Color, s.Color = col, col
		p.Add(l, s)
		name := "mean"
		if c.Label != "" {
			name = c.Label
		}
		p.Legend.Add(name, l)
		if k == 0 {
			p.Legend.Add("95% confidence band", poly)
		}
	}
	return save(dir, "sweep-"+m.Name, title, p, []string{"series", param, "metric", "mean", "ci95_low", "ci95_high"}, rows)
}

// unitOf returns the unit the swept values share (e.g. "/d"), if any.
func unitOf(curves []SweepCurve) string {
	unit := ""
	for _, c := range curves {
		for _, l := range c.Labels {
			i := 0
			for i < len(l) && (l[i] >= '0' && l[i] <= '9' || l[i] == '.' || l[i] == '-') {
				i++
			}
			if unit != "" && l[i:] != unit {
				return ""
			}
			unit = l[i:]
		}
	}
	return unit
}

func fmtF(v float64) string { return strconv.FormatFloat(v, 'g', 10, 64) }

// ComparisonChart draws one metric for each variant of a comparison as
// bars, the first (the baseline) in grey.
func ComparisonChart(dir string, m metrics.Metric, names []string, values []float64) (Chart, error) {
	title := m.Title + " by variant"
	yLabel, scale := axis(m)
	p := newPlot(title, "", yLabel)
	var rows [][]string
	for i, n := range names {
		bars, err := plotter.NewBarChart(plotter.Values{values[i] * scale}, vg.Points(28))
		if err != nil {
			return Chart{}, err
		}
		bars.XMin = float64(i)
		bars.Color = blue
		if i == 0 {
			bars.Color = grey
		}
		bars.LineStyle.Width = 0
		p.Add(bars)
		rows = append(rows, []string{n, fmtF(values[i])})
	}
	p.NominalX(names...)
	p.Y.Min = 0
	return save(dir, "compare-"+m.Name, title, p, []string{"variant", m.Key()}, rows)
}

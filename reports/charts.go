package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"image/color"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
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

func init() {
	// The page's text is sans-serif: so is the charts'.
	plot.DefaultFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	plotter.DefaultFont = plot.DefaultFont
}

// dateAxis sets a plot's x axis to dates over [start, end): values are
// Unix seconds, ticks fall on round instants (hours, midnights, the first
// of a month or of a year, UTC) and read as dates.
func dateAxis(p *plot.Plot, start, end time.Time) {
	p.X.Min, p.X.Max = unix(start), unix(end)
	p.X.Tick.Marker = dateTicks{}
	p.X.Label.Text = "date (UTC)"
}

func unix(t time.Time) float64 { return float64(t.Unix()) + float64(t.Nanosecond())/1e9 }

// dateTicks marks round instants between the axis' ends, about eight.
type dateTicks struct{}

// dateSteps are the tick spacings dateTicks chooses from: a duration, or
// months.
var dateSteps = []struct {
	d      time.Duration
	months int
	format string
}{
	{time.Hour, 0, "Jan 2 15:04"}, {3 * time.Hour, 0, "Jan 2 15:04"}, {6 * time.Hour, 0, "Jan 2 15:04"}, {12 * time.Hour, 0, "Jan 2 15:04"},
	{24 * time.Hour, 0, "Jan 2"}, {2 * 24 * time.Hour, 0, "Jan 2"}, {7 * 24 * time.Hour, 0, "Jan 2"}, {14 * 24 * time.Hour, 0, "Jan 2"},
	{0, 1, "Jan 2006"}, {0, 3, "Jan 2006"}, {0, 6, "Jan 2006"}, {0, 12, "2006"}, {0, 24, "2006"}, {0, 60, "2006"},
}

// Ticks implements plot.Ticker.
func (dateTicks) Ticks(lo, hi float64) []plot.Tick {
	from, to := time.Unix(int64(math.Floor(lo)), 0).UTC(), time.Unix(int64(math.Ceil(hi)), 0).UTC()
	span := to.Sub(from)
	for _, st := range dateSteps {
		approx := st.d
		if st.months > 0 {
			approx = time.Duration(st.months) * 30 * 24 * time.Hour
		}
		if span/approx > 10 && st != dateSteps[len(dateSteps)-1] {
			continue
		}
		var t time.Time
		switch {
		case st.months > 0:
			t = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
			for t.Before(from) || (int(t.Month())-1)%min(st.months, 12) != 0 {
				t = t.AddDate(0, 1, 0)
			}
		case st.d >= 24*time.Hour:
			t = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
			if t.Before(from) {
				t = t.AddDate(0, 0, 1)
			}
			if st.d == 7*24*time.Hour || st.d == 14*24*time.Hour {
				for t.Weekday() != time.Monday {
					t = t.AddDate(0, 0, 1)
				}
			}
		default:
			t = from.Truncate(st.d)
			if t.Before(from) {
				t = t.Add(st.d)
			}
		}
		var out []plot.Tick
		for !t.After(to) {
			out = append(out, plot.Tick{Value: unix(t), Label: t.Format(st.format)})
			if st.months > 0 {
				t = t.AddDate(0, st.months, 0)
			} else {
				t = t.Add(st.d)
			}
		}
		return out
	}
	return nil
}

// numberTicks are gonum's default ticks labelled as numbers are written
// everywhere else in a report: no trailing zeros ("0 25 50", "0.5 1").
type numberTicks struct{ integers bool }

// Ticks implements plot.Ticker.
func (n numberTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	out := ticks[:0]
	for _, t := range ticks {
		if n.integers && t.Value != math.Trunc(t.Value) {
			if t.IsMinor() {
				continue
			}
			t.Label = ""
		}
		if !t.IsMinor() {
			t.Label = strconv.FormatFloat(t.Value, 'f', -1, 64)
			if v, err := strconv.ParseFloat(strconv.FormatFloat(t.Value, 'g', 10, 64), 64); err == nil {
				t.Label = strconv.FormatFloat(v, 'f', -1, 64)
			}
		}
		out = append(out, t)
	}
	return out
}

func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	p.Y.Tick.Marker = numberTicks{}
	p.X.Tick.Marker = numberTicks{}
	p.Legend.Top, p.Legend.Left = true, true
	p.Add(plotter.NewGrid())
	return p
}

// render draws p on c with its legend, if any, in a column of its own on
// the right, never over the data.
func render(p *plot.Plot, c draw.Canvas) {
	leg := p.Legend
	if r := leg.Rectangle(c); r.Size().X > 0 {
		w := r.Size().X + 3*vg.Millimeter
		q := *p
		q.Legend = plot.NewLegend()
		q.Draw(draw.Crop(c, 0, -w, 0, 0))
		leg.Left, leg.Top = true, true
		title := p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding
		leg.Draw(draw.Crop(c, c.Size().X-w+2*vg.Millimeter, 0, 0, -title-4*vg.Millimeter))
		return
	}
	p.Draw(c)
}

// save writes the plot as PNG and SVG and the rows as CSV.
func save(dir, name, title string, p *plot.Plot, header []string, rows [][]string) (Chart, error) {
	c := Chart{Name: name, Title: title, PNG: name + ".png", SVG: name + ".svg", CSV: name + ".csv"}
	image := func(format string) func(io.Writer) error {
		return func(w io.Writer) error {
			fc, err := draw.NewFormattedCanvas(ChartWidth, ChartHeight, format)
			if err != nil {
				return err
			}
			render(p, draw.New(fc))
			_, err = fc.WriteTo(w)
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

// Charts draws the timeline's charts into dir: the runs and refusals of the
// first days, the freshness sawtooth, the throttle window occupancy against
// the limit, and cumulative events by kind. Each chart's CSV holds the
// data it draws: runs and marks, or the buckets of a series.
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

// bucketNote says how a chart's series are bucketed.
func bucketNote(t *metrics.Timeline) string {
	return "per " + policy.FormatDuration(t.Width) + ": mean line, min–max band"
}

func timelineChart(t *metrics.Timeline, dir string) (Chart, error) {
	end := t.DetailEnd
	title := "Runs and refusals"
	if end.Before(t.End) {
		title += " (the first " + policy.FormatDuration(end.Sub(t.Start)) + "; every event is in --trace)"
	}
	p := newPlot(title, "", "")
	dateAxis(p, t.Start, end)
	lanes := []plot.Tick{{Value: 5, Label: "scheduled runs"}, {Value: 4, Label: "on-demand runs"},
		{Value: 3, Label: "throttled (429)"}, {Value: 2, Label: "conflict (409)"}, {Value: 1, Label: "scheduled skipped"}}
	p.Y.Tick.Marker = plot.ConstantTicks(lanes)
	p.Y.Min, p.Y.Max = 0.3, 5.7
	var rows [][]string
	legend := map[string]bool{}
	for _, r := range t.Runs {
		lane, c, name := 5.0, blue, "scheduled run"
		if r.Trigger == policy.OnDemand {
			lane, c, name = 4.0, orange, "on-demand run"
		}
		stop := r.End
		if stop.After(end) {
			stop = end
		}
		l, err := plotter.NewLine(plotter.XYs{{X: unix(r.Start), Y: lane}, {X: unix(stop), Y: lane}})
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
		*marks[m.Kind] = append(*marks[m.Kind], plotter.XY{X: unix(m.At), Y: laneOf[m.Kind]})
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
	return save(dir, "timeline", title, p, []string{"kind", "at", "end", "trigger", "status", "detail"}, rows)
}

// band adds a series to p as its min–max band and its mean line, scaled.
func band(p *plot.Plot, s metrics.Series, end time.Time, scale float64, col color.RGBA, name string) error {
	var mean, area plotter.XYs
	for i, b := range s.Buckets {
		stop := b.At.Add(s.Width)
		if i == len(s.Buckets)-1 || stop.After(end) {
			stop = end
		}
		mid := unix(b.At) + (unix(stop)-unix(b.At))/2
		mean = append(mean, plotter.XY{X: mid, Y: b.Mean * scale})
		area = append(area, plotter.XY{X: unix(b.At), Y: b.Max * scale}, plotter.XY{X: unix(stop), Y: b.Max * scale})
	}
	for i := len(s.Buckets) - 1; i >= 0; i-- {
		b := s.Buckets[i]
		stop := b.At.Add(s.Width)
		if i == len(s.Buckets)-1 || stop.After(end) {
			stop = end
		}
		area = append(area, plotter.XY{X: unix(stop), Y: b.Min * scale}, plotter.XY{X: unix(b.At), Y: b.Min * scale})
	}
	poly, err := plotter.NewPolygon(area)
	if err != nil {
		return err
	}
	poly.Color = color.NRGBA{R: col.R, G: col.G, B: col.B, A: 70}
	poly.LineStyle.Width = 0
	l, err := plotter.NewLine(mean)
	if err != nil {
		return err
	}
	l.Color, l.Width = col, vg.Points(1.5)
	p.Add(poly, l)
	p.Legend.Add(name+": mean", l)
	p.Legend.Add(name+": min–max", poly)
	return nil
}

// seriesRows are a series' buckets as CSV rows: start, end, min, mean,
// max, the values scaled by scale.
func seriesRows(t *metrics.Timeline, s metrics.Series) [][]string {
	rows := make([][]string, len(s.Buckets))
	for i, b := range s.Buckets {
		rows[i] = []string{rfc(b.At), rfc(t.BucketEnd(i)), fmtF(b.Min), fmtF(b.Mean), fmtF(b.Max)}
	}
	return rows
}

func freshnessChart(t *metrics.Timeline, dir string) (Chart, error) {
	title := "Freshness: time since the last successful run finished (" + bucketNote(t) + ")"
	p := newPlot(title, "", "age of the data (hours)")
	dateAxis(p, t.Start, t.End)
	s := t.Freshness()
	if err := band(p, s, t.End, 1.0/3600, green, "age"); err != nil {
		return Chart{}, err
	}
	p.Y.Min = 0
	return save(dir, "freshness", title, p, []string{"from", "to", "age_min_s", "age_mean_s", "age_max_s"}, seriesRows(t, s))
}

func occupancyChart(t *metrics.Timeline, dir string) (Chart, error) {
	title := "Throttle window occupancy against the limit (" + bucketNote(t) + ")"
	p := newPlot(title, "", "counted runs in the window")
	dateAxis(p, t.Start, t.End)
	s := t.Occupancy()
	if err := band(p, s, t.End, 1, blue, "occupancy"); err != nil {
		return Chart{}, err
	}
	if t.Limit > 0 {
		lim, err := plotter.NewLine(plotter.XYs{{X: unix(t.Start), Y: float64(t.Limit)}, {X: unix(t.End), Y: float64(t.Limit)}})
		if err != nil {
			return Chart{}, err
		}
		lim.Color, lim.Dashes = red, []vg.Length{vg.Points(6), vg.Points(4)}
		p.Add(lim)
		p.Legend.Add(fmt.Sprintf("limit (%d)", t.Limit), lim)
	}
	p.Y.Min = 0
	p.Y.Max = max(float64(t.Limit), t.OccupancyMax()) + 1
	p.Y.Tick.Marker = numberTicks{integers: true}
	return save(dir, "occupancy", title, p, []string{"from", "to", "slots_min", "slots_mean", "slots_max"}, seriesRows(t, s))
}

func cumulativeChart(t *metrics.Timeline, dir string) (Chart, error) {
	title := "Cumulative events by kind (at the end of each " + policy.FormatDuration(t.Width) + ")"
	p := newPlot(title, "", "events")
	dateAxis(p, t.Start, t.End)
	palette := []color.Color{blue, green, red, purple, orange, grey}
	var kinds []string
	series := map[string][]int{}
	for _, k := range metrics.CumulativeKinds {
		if t.Total(k) > 0 {
			kinds = append(kinds, k)
			series[k] = t.Cumulative(k)
		}
	}
	header := []string{"to"}
	rows := make([][]string, 0, t.Buckets())
	for i := range t.Buckets() {
		rows = append(rows, []string{rfc(t.BucketEnd(i))})
	}
	for i, k := range kinds {
		header = append(header, strings.ReplaceAll(k, " ", "_"))
		xys := plotter.XYs{{X: unix(t.Start), Y: 0}}
		for j, v := range series[k] {
			xys = append(xys, plotter.XY{X: unix(t.BucketEnd(j)), Y: float64(v)})
			rows[j] = append(rows[j], strconv.Itoa(v))
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return Chart{}, err
		}
		l.Color, l.Width = palette[i%len(palette)], vg.Points(1.5)
		p.Add(l)
		p.Legend.Add(k, l)
	}
	p.Y.Min = 0
	p.Y.Tick.Marker = numberTicks{integers: true}
	return save(dir, "cumulative", title, p, header, rows)
}

// SweepCurve is one metric over a swept parameter, for a chart: one line
// per value of a second parameter (Label), or a single line.
type SweepCurve struct {
	Label           string
	X               []float64 // the parameter's numeric values
	Labels          []string  // as written
	Mean, Low, High []float64
	// Single is set when the points have one replication each: no
	// interval, no band.
	Single bool
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

// ParamTitle is a scenario field's path in words, for people: the
// service's sections without "service", a client's fields after the
// client's name, underscores as spaces ("service.throttle.limit" is
// "throttle limit", "clients.admin.arrivals.poisson.rate" is "arrivals
// poisson rate of client admin").
func ParamTitle(path string) string {
	parts := strings.Split(path, ".")
	words := func(ps []string) string { return strings.ReplaceAll(strings.Join(ps, " "), "_", " ") }
	switch {
	case len(parts) > 1 && parts[0] == "service":
		return words(parts[1:])
	case len(parts) > 2 && parts[0] == "clients":
		return words(parts[2:]) + " of client " + parts[1]
	}
	return words(parts)
}

// unitWords are the units a swept value may carry, in words for an axis.
var unitWords = map[string]string{"/d": "per day", "/h": "per hour", "/m": "per minute", "/s": "per second",
	"d": "days", "h": "hours", "m": "minutes", "s": "seconds", "ms": "milliseconds"}

// SweepChart draws a metric over a parameter, each curve with its 95%
// confidence band (none with one replication per point). Its CSV holds
// the values in machine units (seconds, fractions 0..1).
func SweepChart(dir, param string, m metrics.Metric, curves []SweepCurve) (Chart, error) {
	single := len(curves) > 0 && curves[0].Single
	name := ParamTitle(param)
	title := m.Title + " by " + name + " (mean, 95% confidence band)"
	if single {
		title = m.Title + " by " + name + " (one replication per point: no confidence band)"
	}
	yLabel, scale := axis(m)
	xLabel := name
	if u := unitOf(curves); u != "" {
		w, ok := unitWords[u]
		if !ok {
			w = u
		}
		xLabel += " (" + w + ")"
	}
	p := newPlot(title, xLabel, yLabel)
	palette := []color.RGBA{blue, orange, green, purple, red, grey}
	var rows [][]string
	type legendEntry struct {
		name  string
		thumb plot.Thumbnailer
	}
	var bands []legendEntry
	for k, c := range curves {
		col := palette[k%len(palette)]
		var band, mean plotter.XYs
		for i := range c.X {
			mean = append(mean, plotter.XY{X: c.X[i], Y: c.Mean[i] * scale})
			band = append(band, plotter.XY{X: c.X[i], Y: c.High[i] * scale})
			low, high := fmtF(c.Low[i]), fmtF(c.High[i])
			if c.Single {
				low, high = "", ""
			}
			rows = append(rows, []string{c.Label, c.Labels[i], m.Key(), fmtF(c.Mean[i]), low, high})
		}
		for i := len(c.X) - 1; i >= 0; i-- {
			band = append(band, plotter.XY{X: c.X[i], Y: c.Low[i] * scale})
		}
		name := "mean"
		if c.Label != "" {
			name = c.Label
		}
		if !c.Single {
			poly, err := plotter.NewPolygon(band)
			if err != nil {
				return Chart{}, err
			}
			poly.Color = color.NRGBA{R: col.R, G: col.G, B: col.B, A: 60} // not premultiplied: a translucent fill
			poly.LineStyle.Width = 0
			p.Add(poly)
			bands = append(bands, legendEntry{name + ": 95% band", poly}) // after the lines, one entry per band
		}
		l, s, err := plotter.NewLinePoints(mean)
		if err != nil {
			return Chart{}, err
		}
		l.Color, s.Color = col, col
		p.Add(l, s)
		if single {
			name = strings.TrimSuffix(name, "mean") + "value"
			if c.Label != "" {
				name = c.Label
			}
		}
		p.Legend.Add(name, l)
	}
	for _, b := range bands {
		p.Legend.Add(b.name, b.thumb)
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
// bars, the first (the baseline) in grey, each labelled with its value so
// that a short bar beside a tall one still reads; the axis leaves room
// above the tallest for its label. Its CSV holds the values in machine
// units.
func ComparisonChart(dir string, m metrics.Metric, names []string, values []float64) (Chart, error) {
	title := m.Title + " by variant"
	yLabel, scale := axis(m)
	p := newPlot(title, "", yLabel)
	var rows [][]string
	var labels plotter.XYLabels
	top := 0.0
	for i, n := range names {
		v := values[i] * scale
		if math.IsNaN(v) {
			v = 0
		}
		bars, err := plotter.NewBarChart(plotter.Values{v}, vg.Points(28))
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
		top = max(top, v)
		labels.XYs = append(labels.XYs, plotter.XY{X: float64(i), Y: v})
		labels.Labels = append(labels.Labels, m.Format(values[i]))
	}
	l, err := plotter.NewLabels(labels)
	if err != nil {
		return Chart{}, err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].XAlign = draw.XCenter
		l.TextStyle[i].Font.Size = vg.Points(10)
	}
	l.Offset = vg.Point{Y: vg.Points(3)}
	p.Add(l)
	p.NominalX(names...)
	if len(names) > 5 {
		p.X.Tick.Label.Rotation = math.Pi / 8
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
	p.Y.Min = 0
	p.Y.Max = top * 1.15
	if top == 0 {
		p.Y.Max = 1
	}
	return save(dir, "compare-"+m.Name, title, p, []string{"variant", m.Key()}, rows)
}

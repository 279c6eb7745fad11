package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"runsim/internal/grid"
	"runsim/metrics"
)

// ShardFormat is the version of the shard file format.
const ShardFormat = 1

// csvShardPrefix starts the first line of a CSV shard; the header follows
// as one line of JSON. CSV readers that skip comment lines ("#") read the
// rest as an ordinary sweep table.
const csvShardPrefix = "#runsim_shard "

// A ShardHeader identifies a shard of a sweep: which sweep (Sweep, the
// fingerprint of the scenario after its overrides, the grid, the
// replications, the seed and runsim's version, with those spelt out
// beside it), which shard, how many points it holds, and a digest of its
// points. Page is what a report of the whole sweep shows, so that merge
// can write it.
type ShardHeader struct {
	Format       int          `json:"format"`
	Sweep        string       `json:"sweep"`
	Shard        int          `json:"shard"` // K, from 1
	Of           int          `json:"of"`    // N
	Points       int          `json:"points"`
	GridPoints   int          `json:"grid_points"`
	Params       []ShardParam `json:"params"`
	Replications int          `json:"replications"`
	Seed         uint64       `json:"seed"`
	Version      string       `json:"version"`
	Page         ShardPage    `json:"page"`
	SHA256       string       `json:"sha256"` // of the points: the CSV after the header line, or the JSON points compactly encoded
}

// A ShardParam is a swept field and its values.
type ShardParam struct {
	Path   string   `json:"path"`
	Values []string `json:"values"`
}

// ShardPage is what a report shows of the scenario (see Page).
type ShardPage struct {
	Title       string       `json:"title"`
	Scenario    string       `json:"scenario"`
	Description string       `json:"description"`
	File        string       `json:"file"`
	Source      string       `json:"source"`
	Seed        uint64       `json:"seed"`
	Version     string       `json:"version"`
	Horizon     string       `json:"horizon"`
	Assumptions []Assumption `json:"assumptions"`
	Effective   bool         `json:"effective,omitempty"`
	Overrides   []string     `json:"overrides,omitempty"`
}

// ReportPage is the report page of the whole sweep, without its table.
func (p ShardPage) ReportPage() Page {
	return Page{Title: p.Title, Scenario: p.Scenario, Description: p.Description, File: p.File, Source: p.Source,
		Seed: p.Seed, Version: p.Version, Horizon: p.Horizon, Assumptions: p.Assumptions, Effective: p.Effective, Overrides: p.Overrides}
}

// ShardPageOf is the part of a report page a shard carries.
func ShardPageOf(p Page) ShardPage {
	return ShardPage{Title: p.Title, Scenario: p.Scenario, Description: p.Description, File: p.File, Source: p.Source,
		Seed: p.Seed, Version: p.Version, Horizon: p.Horizon, Assumptions: p.Assumptions, Effective: p.Effective, Overrides: p.Overrides}
}

// grid is every point's values, the first param varying slowest.
func (h ShardHeader) grid() [][]string {
	return grid.Points(h.Params, func(p ShardParam) []string { return p.Values })
}

// mine is the indices of the grid's points in the shard (point i belongs
// to shard i mod N + 1).
func (h ShardHeader) mine() []int {
	var out []int
	for i := h.Shard - 1; i < h.GridPoints; i += h.Of {
		out = append(out, i)
	}
	return out
}

func (h ShardHeader) paths() []string {
	out := make([]string, len(h.Params))
	for i, p := range h.Params {
		out[i] = p.Path
	}
	return out
}

// fullF writes a number with every digit it needs to be read back exactly.
func fullF(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// WriteShardCSV writes the sweep's points as a CSV shard: the line
// "#runsim_shard " and the header as JSON, then the table WriteCSV
// writes, with every number in full so that merge reads it back exactly.
// h's Points and SHA256 are filled in here.
func (sw *SweepReport) WriteShardCSV(w io.Writer, h ShardHeader) error {
	var body bytes.Buffer
	if err := sw.writeCSV(&body, fullF); err != nil {
		return err
	}
	h.Format, h.Points, h.SHA256 = ShardFormat, len(sw.Points), digest(body.Bytes())
	line, err := json.Marshal(h)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString(csvShardPrefix)
	buf.Write(line)
	buf.WriteByte('\n')
	buf.Write(body.Bytes())
	_, err = w.Write(buf.Bytes())
	return err
}

// jsonShard is a JSON shard: the header, and the points as WriteJSON
// writes them.
type jsonShard struct {
	Header *ShardHeader     `json:"runsim_shard"`
	Points []jsonSweepPoint `json:"points"`
}

// WriteShardJSON writes the sweep's points as a JSON shard: an object with
// the header under "runsim_shard" and the array WriteJSON writes under
// "points". h's Points and SHA256 are filled in here.
func (sw *SweepReport) WriteShardJSON(w io.Writer, h ShardHeader) error {
	pts := sw.jsonPoints()
	compact, err := json.Marshal(pts)
	if err != nil {
		return err
	}
	h.Format, h.Points, h.SHA256 = ShardFormat, len(sw.Points), digest(compact)
	return encodeJSON(w, jsonShard{Header: &h, Points: pts})
}

// A ShardFile is a shard read back: its header, its format ("csv" or
// "json") and its points, in grid order.
type ShardFile struct {
	Name   string // where it was read from
	Format string
	Header ShardHeader
	Points []SweepPoint
}

// ReadShard reads a shard written by WriteShardCSV or WriteShardJSON, and
// refuses one that is not a shard, truncated or altered, or whose points
// are not those of its header's grid and shard.
func ReadShard(name string, data []byte) (*ShardFile, error) {
	sf := &ShardFile{Name: name}
	var err error
	switch {
	case bytes.HasPrefix(data, []byte(csvShardPrefix)):
		sf.Format = "csv"
		err = sf.readCSV(data)
	case bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")):
		sf.Format = "json"
		err = sf.readJSON(data)
	case len(data) == 0:
		err = errors.New("empty file")
	default:
		err = errors.New("not a runsim shard: no \"#runsim_shard\" line (CSV) or \"runsim_shard\" object (JSON) at its start; write shards with runsim sweep --shard")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return sf, nil
}

func (sf *ShardFile) checkHeader() error {
	h := sf.Header
	switch {
	case h.Format != ShardFormat:
		return fmt.Errorf("shard format %d; this runsim reads format %d", h.Format, ShardFormat)
	case h.Sweep == "" || h.Of < 1 || h.Shard < 1 || h.Shard > h.Of || len(h.Params) == 0:
		return errors.New("the shard header is incomplete")
	case len(h.grid()) != h.GridPoints:
		return fmt.Errorf("the shard header's grid has %d points, not %d", len(h.grid()), h.GridPoints)
	case h.Points != len(h.mine()):
		return fmt.Errorf("the header gives %d points, but shard %d/%d of %d has %d", h.Points, h.Shard, h.Of, h.GridPoints, len(h.mine()))
	}
	return nil
}

func (sf *ShardFile) readCSV(data []byte) error {
	line, body, ok := bytes.Cut(data, []byte("\n"))
	if !ok {
		return errors.New("truncated: the file ends within its header line")
	}
	dec := json.NewDecoder(bytes.NewReader(line[len(csvShardPrefix):]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sf.Header); err != nil {
		return fmt.Errorf("a bad shard header: %v", err)
	}
	if err := sf.checkHeader(); err != nil {
		return err
	}
	h := sf.Header
	ms := metrics.All()
	want := 1 + h.Points*len(ms) // the table's header row, then a row per point and metric
	if !bytes.HasSuffix(body, []byte("\n")) {
		return errors.New("truncated: it ends within a row")
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("truncated or altered: %v", err)
	}
	if len(rows) < want {
		return fmt.Errorf("truncated: %d rows of %d", max(len(rows)-1, 0), want-1)
	}
	if len(rows) > want {
		return fmt.Errorf("%d rows, but its header gives %d", len(rows)-1, want-1)
	}
	if digest(body) != h.SHA256 {
		return errors.New("truncated or altered: its content does not match the digest in its header")
	}
	cols := append(h.paths(), "metric", "mean", "ci95_low", "ci95_high", "n")
	if !slices.Equal(rows[0], cols) {
		return fmt.Errorf("columns %s, want %s", strings.Join(rows[0], ","), strings.Join(cols, ","))
	}
	np := len(h.Params)
	grid := h.grid()
	for j, i := range h.mine() {
		ivs := Intervals{}
		for k, m := range ms {
			row := rows[1+j*len(ms)+k]
			if len(row) != np+5 || !slices.Equal(row[:np], grid[i]) || row[np] != m.Key() {
				return fmt.Errorf("row %d is not metric %s of point %s", 2+j*len(ms)+k, m.Key(), strings.Join(grid[i], ","))
			}
			var iv metrics.Interval
			var errs [4]error
			iv.Mean, errs[0] = strconv.ParseFloat(row[np+1], 64)
			iv.Low, errs[1] = parseBound(row[np+2])
			iv.High, errs[2] = parseBound(row[np+3])
			iv.N, errs[3] = strconv.Atoi(row[np+4])
			if err := errors.Join(errs[:]...); err != nil {
				return fmt.Errorf("row %d: %v", 2+j*len(ms)+k, err)
			}
			ivs[m.Name] = iv
		}
		sf.Points = append(sf.Points, SweepPoint{Values: grid[i], Aggregate: ivs})
	}
	return nil
}

func (sf *ShardFile) readJSON(data []byte) error {
	var js jsonShard
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&js); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return errors.New("truncated: the JSON ends early")
		}
		return fmt.Errorf("not a complete runsim shard: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more after the shard's JSON object")
	}
	if js.Header == nil {
		return errors.New("not a runsim shard: no \"runsim_shard\" header")
	}
	sf.Header = *js.Header
	if err := sf.checkHeader(); err != nil {
		return err
	}
	h := sf.Header
	if len(js.Points) != h.Points {
		return fmt.Errorf("%d points, but its header gives %d", len(js.Points), h.Points)
	}
	compact, err := json.Marshal(js.Points)
	if err != nil {
		return err
	}
	if digest(compact) != h.SHA256 {
		return errors.New("altered: its points do not match the digest in its header")
	}
	grid := h.grid()
	for j, i := range h.mine() {
		jp := js.Points[j]
		values := make([]string, len(h.Params))
		for k, p := range h.Params {
			values[k] = jp.Params[p.Path]
		}
		if !slices.Equal(values, grid[i]) || len(jp.Params) != len(h.Params) {
			return fmt.Errorf("point %d is not point %s of the grid", j+1, strings.Join(grid[i], ","))
		}
		ivs := Intervals{}
		for _, m := range metrics.All() {
			v, ok := jp.Metrics[m.Key()]
			if !ok {
				return fmt.Errorf("point %d has no metric %s", j+1, m.Key())
			}
			ivs[m.Name] = v.interval()
		}
		sf.Points = append(sf.Points, SweepPoint{Values: grid[i], Aggregate: ivs})
	}
	return nil
}

// MergeShards puts the shards of one sweep together into the whole
// sweep, and its header (shard 1's, less what is its own). It refuses
// shards of different sweeps or formats, a shard given twice and a
// missing shard, saying which.
func MergeShards(shards []*ShardFile) (*SweepReport, ShardHeader, error) {
	if len(shards) == 0 {
		return nil, ShardHeader{}, errors.New("no shards given")
	}
	first := shards[0]
	for _, s := range shards[1:] {
		if s.Format != first.Format {
			return nil, ShardHeader{}, fmt.Errorf("mixed formats: %s is %s, %s is %s; merge shards of one format", first.Name, strings.ToUpper(first.Format), s.Name, strings.ToUpper(s.Format))
		}
		if field, a, b := differ(first.Header, s.Header); field != "" {
			return nil, ShardHeader{}, fmt.Errorf("mixed sweeps: %s and %s are shards of different sweeps (%s: %s and %s)", first.Name, s.Name, field, a, b)
		}
	}
	n := first.Header.Of
	byK := make([]*ShardFile, n+1)
	for _, s := range shards {
		if prev := byK[s.Header.Shard]; prev != nil {
			return nil, ShardHeader{}, fmt.Errorf("shard %d/%d given twice: %s and %s", s.Header.Shard, n, prev.Name, s.Name)
		}
		byK[s.Header.Shard] = s
	}
	var missing []string
	for k := 1; k <= n; k++ {
		if byK[k] == nil {
			missing = append(missing, strconv.Itoa(k))
		}
	}
	if len(missing) > 0 {
		word := "shard"
		if len(missing) > 1 {
			word = "shards"
		}
		return nil, ShardHeader{}, fmt.Errorf("%s %s of %d missing (sweep %s); got %d of %d", word, strings.Join(missing, ", "), n, short(first.Header.Sweep), len(shards), n)
	}
	h := first.Header
	sw := &SweepReport{Params: h.paths(), Points: make([]SweepPoint, h.GridPoints)}
	for k := 1; k <= n; k++ {
		for j, i := range byK[k].Header.mine() {
			sw.Points[i] = byK[k].Points[j]
		}
	}
	h.Shard, h.Points, h.SHA256 = 0, h.GridPoints, ""
	return sw, h, nil
}

func short(fp string) string {
	if len(fp) > 12 {
		return fp[:12]
	}
	return fp
}

// differ names the first field, other than a shard's own, in which two
// headers differ, with the two values; "" when they agree.
func differ(a, b ShardHeader) (string, string, string) {
	full := func(v any) string {
		j, _ := json.Marshal(v)
		return string(j)
	}
	show := func(s string) string {
		if len(s) <= 80 {
			return s
		}
		return s[:77] + "..."
	}
	fields := []struct {
		name string
		a, b any
	}{
		{"shards", a.Of, b.Of},
		{"params", a.Params, b.Params},
		{"replications", a.Replications, b.Replications},
		{"seed", a.Seed, b.Seed},
		{"runsim version", a.Version, b.Version},
		{"scenario", a.Page.Scenario, b.Page.Scenario},
		{"scenario after overrides (fingerprint)", short(a.Sweep), short(b.Sweep)},
		{"scenario file as given", a.Page.File, b.Page.File},
		{"scenario source", a.Page.Source, b.Page.Source},
		{"report page", a.Page, b.Page},
	}
	for _, f := range fields {
		if ja, jb := full(f.a), full(f.b); ja != jb {
			return f.name, show(ja), show(jb)
		}
	}
	return "", "", ""
}

// parseBound reads an interval's bound from CSV: empty (no interval) is
// NaN.
func parseBound(s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	return strconv.ParseFloat(s, 64)
}

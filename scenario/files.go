package scenario

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultMaxFileBytes caps the size of every file a scenario reads (the
// scenario file itself, replay logs, samples) unless LoadOptions raise it:
// a scenario naming /dev/zero or a huge log is refused before it fills the
// memory.
const DefaultMaxFileBytes = 16 << 20

// Load reads and validates the scenario file at path, with overrides
// applied in order. Each override is "path=value", the path dotted through
// the file's fields (list items by index or by name, e.g.
// clients.admin.arrivals.poisson.rate=2/h) and the value written as in
// YAML.
//
// Load reads regular files only, of at most DefaultMaxFileBytes, and the
// files the scenario names must lie in the scenario file's folder: see
// LoadWith to change either.
func Load(path string, overrides ...string) (*Scenario, error) {
	return LoadWith(path, LoadOptions{}, overrides...)
}

// LoadOptions widen what Load may read.
type LoadOptions struct {
	// MaxFileBytes caps every file read (the scenario file, replay logs,
	// samples); 0 is DefaultMaxFileBytes.
	MaxFileBytes int64
	// AllowFiles is a folder that files named by the scenario may lie in,
	// instead of the scenario file's own folder (which it must contain for
	// relative names to resolve as written).
	AllowFiles string
}

// LoadWith is Load with options.
func LoadWith(name string, opts LoadOptions, overrides ...string) (*Scenario, error) {
	dir := filepath.Dir(name)
	data, err := readCapped(os.DirFS(dir), filepath.Base(name), name, opts.MaxFileBytes)
	if err != nil {
		return nil, err
	}
	return parse(name, data, fileSource{dir: dir, root: opts.AllowFiles, maxBytes: opts.MaxFileBytes}, overrides)
}

// LoadFS is Load for a file of fsys, such as an embedded library: the
// files the scenario names are read from fsys too.
func LoadFS(fsys fs.FS, name string, overrides ...string) (*Scenario, error) {
	data, err := readCapped(fsys, name, name, 0)
	if err != nil {
		return nil, err
	}
	return parse(name, data, fileSource{fsys: fsys, dir: path.Dir(name)}, overrides)
}

func readCapped(fsys fs.FS, name, shown string, maxBytes int64) ([]byte, error) {
	f, err := openCapped(fsys, name, shown, maxBytes)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", shown)
		}
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

// fileSource opens the files a scenario names (replay logs, samples),
// relative to the scenario file: on disk, inside the scenario's folder (or
// the wider folder the user allows), or in a file system such as the
// embedded library. Only regular files are read, up to a size cap.
type fileSource struct {
	fsys     fs.FS  // nil: the operating system's files
	dir      string // the scenario file's folder
	root     string // on disk: the folder named files must lie in; "": dir
	maxBytes int64
}

func (f fileSource) open(name string) (io.ReadCloser, error) {
	if f.fsys != nil {
		return openCapped(f.fsys, path.Join(f.dir, name), name, f.maxBytes)
	}
	root := f.root
	if root == "" {
		root = f.dir
	}
	full := name
	if !filepath.IsAbs(full) {
		full = filepath.Join(f.dir, name)
	}
	rel, err := filepath.Rel(root, full)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s: outside %s, the folder scenario files may read (widen it with --allow-files DIR)", name, rootName(root))
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	rc, err := openCapped(r.FS(), filepath.ToSlash(rel), name, f.maxBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: no such file in %s", name, rootName(root))
	case err != nil && strings.Contains(err.Error(), "escapes from parent"): // os.Root: a link leads out
		return nil, fmt.Errorf("%s: leads outside %s, the folder scenario files may read (widen it with --allow-files DIR)", name, rootName(root))
	}
	return rc, err
}

// read opens the file a setting (field) names and reads it with parse; a
// file it cannot open is an error at the field.
func (f fileSource) read(field, name string, parse func(r io.Reader) error) error {
	r, err := f.open(name)
	if err != nil {
		return errAt(field, "%v", err)
	}
	defer r.Close()
	return parse(r)
}

func rootName(dir string) string {
	if dir == "." || dir == "" {
		return "the current folder"
	}
	return dir
}

// openCapped opens name in fsys if it is a regular file of at most
// maxBytes (0: DefaultMaxFileBytes); shown is the name errors give.
func openCapped(fsys fs.FS, name, shown string, maxBytes int64) (io.ReadCloser, error) {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxFileBytes
	}
	info, err := fs.Stat(fsys, name) // before opening: a FIFO would block the open
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s: %v", shown, pe.Err)
		}
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", shown, fileKind(info.Mode()))
	}
	if info.Size() > maxBytes {
		return nil, fmt.Errorf("%s: %d bytes, over the limit of %d (raise it with --max-file-size)", shown, info.Size(), maxBytes)
	}
	file, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	return &cappedReader{r: io.LimitReader(file, maxBytes+1), Closer: file, max: maxBytes, name: shown}, nil
}

// cappedReader fails, rather than truncates, a file that grew past the cap
// after it was measured.
type cappedReader struct {
	io.Closer
	r      io.Reader
	n, max int64
	name   string
}

func (c *cappedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n += int64(n); c.n > c.max {
		return n, fmt.Errorf("%s: grew past the limit of %d bytes while it was read", c.name, c.max)
	}
	return n, err
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "mode " + m.String()
}

type replayRow struct {
	at     time.Time
	client string
}

// load reads the request log the replay names.
func (r *Replay) load(src fileSource) error { return src.read("file", r.File, r.parse) }

// parse reads the whole request log and refuses it at the first bad row,
// so that nothing partial is ever simulated.
func (r *Replay) parse(f io.Reader) error {
	cr := csv.NewReader(f)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return errAt("file", "%s: no header row (want a time column, and optionally a client column)", r.File)
	}
	timeCol, clientCol := -1, -1
	for i, h := range header {
		switch strings.ToLower(strings.TrimSpace(h)) {
		case "time", "timestamp":
			timeCol = i
		case "client":
			clientCol = i
		}
	}
	if timeCol < 0 {
		// The header is not quoted: a file without one is not a request
		// log, and its first line is nobody's business.
		return errAt("file", "%s:1: no time column in the header (want a column named time or timestamp, and optionally client)", r.File)
	}
	r.rows = r.rows[:0]
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return errAt("file", "%s:%d: %v", r.File, pe.Line, pe.Err)
			}
			return errAt("file", "%s:%d: %v", r.File, row, err)
		}
		if timeCol >= len(rec) {
			return errAt("file", "%s:%d: no time in this row", r.File, row)
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(rec[timeCol]))
		if err != nil {
			return errAt("file", "%s:%d: bad time %q: want RFC 3339, e.g. 2025-01-06T09:15:00Z", r.File, row, rec[timeCol])
		}
		c := ""
		if clientCol >= 0 && clientCol < len(rec) {
			c = strings.TrimSpace(rec[clientCol])
		}
		r.rows = append(r.rows, replayRow{at: t.UTC().Truncate(time.Millisecond), client: c})
	}
	if len(r.rows) == 0 {
		return errAt("file", "%s: no requests in the log", r.File)
	}
	slices.SortStableFunc(r.rows, func(a, b replayRow) int { return a.at.Compare(b.at) })
	return nil
}

// times returns the logged requests of a client: all of them when the log
// has no client column.
func (r *Replay) times(client string) []time.Time {
	var out []time.Time
	for _, row := range r.rows {
		if row.client == "" || row.client == client {
			out = append(out, row.at)
		}
	}
	return out
}

// readSamples reads the samples file of an empirical distribution.
func (d *Dist) readSamples(src fileSource) error {
	return src.read("samples", d.Samples, d.parseSamples)
}

// parseSamples reads the observed durations of an empirical distribution:
// one duration per line (90m, 1h50m, or seconds as a number), # for
// comments.
func (d *Dist) parseSamples(f io.Reader) error {
	sc := bufio.NewScanner(f)
	d.samples = d.samples[:0]
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		var ms int64
		if secs, err := strconv.ParseFloat(text, 64); err == nil && secs > 0 {
			ms = int64(secs * 1000)
		} else if ms, err = parseMillis(text); err != nil || ms <= 0 || ms > maxDuration {
			return errAt("samples", "%s:%d: not a duration (want one per line: 90m, 1h50m, or seconds)", d.Samples, line)
		}
		d.samples = append(d.samples, time.Duration(ms)*time.Millisecond)
	}
	if err := sc.Err(); err != nil {
		return errAt("samples", "%s: %v", d.Samples, err)
	}
	if len(d.samples) == 0 {
		return errAt("samples", "%s: no durations", d.Samples)
	}
	return nil
}

var weekdays = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// parseDays reads "mon-fri", "sat,sun", "daily" or "mon" into weekdays.
func parseDays(s string) ([]time.Weekday, error) {
	if s == "daily" || s == "" {
		return []time.Weekday{0, 1, 2, 3, 4, 5, 6}, nil
	}
	day := func(name string) (int, error) {
		if i := slices.Index(weekdays, strings.ToLower(strings.TrimSpace(name))); i >= 0 {
			return i, nil
		}
		return 0, fmt.Errorf("bad day %q: want sun, mon, tue, wed, thu, fri or sat", name)
	}
	var out []time.Weekday
	for _, part := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(part, "-")
		a, err := day(from)
		if err != nil {
			return nil, err
		}
		b := a
		if isRange {
			if b, err = day(to); err != nil {
				return nil, err
			}
		}
		for d := a; ; d = (d + 1) % 7 {
			out = append(out, time.Weekday(d))
			if d == b {
				break
			}
		}
	}
	return out, nil
}

// parseHours reads "9-17" as [09:00, 17:00).
func parseHours(s string) (int, int, error) {
	from, to, ok := strings.Cut(s, "-")
	a, err1 := strconv.Atoi(strings.TrimSpace(from))
	b, err2 := strconv.Atoi(strings.TrimSpace(to))
	if !ok || err1 != nil || err2 != nil || a < 0 || b > 24 || a >= b {
		return 0, 0, fmt.Errorf("bad hours %q: want FROM-TO in whole hours, 0 <= FROM < TO <= 24, e.g. 9-17", s)
	}
	return a, b, nil
}

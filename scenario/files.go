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

// fileSource opens the files a scenario names (replay logs, samples),
// relative to the scenario file: on disk, or in a file system such as the
// embedded library.
type fileSource struct {
	fsys fs.FS  // nil: the operating system's files
	dir  string // the scenario file's folder
}

func (f fileSource) open(name string) (io.ReadCloser, error) {
	if f.fsys != nil {
		return f.fsys.Open(path.Join(f.dir, name))
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(f.dir, name)
	}
	return os.Open(name)
}

type replayRow struct {
	at     time.Time
	client string
}

// load reads the whole request log and refuses it at the first bad row,
// so that nothing partial is ever simulated.
func (r *Replay) load(src fileSource) error {
	f, err := src.open(r.File)
	if err != nil {
		return errAt("file", "%v", err)
	}
	defer f.Close()
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
		return errAt("file", "%s:1: no time column in the header %q", r.File, strings.Join(header, ","))
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

// readSamples reads the observed durations of an empirical distribution:
// one duration per line (90m, 1h50m, or seconds as a number), # for
// comments.
func (d *Dist) readSamples(src fileSource) error {
	f, err := src.open(d.Samples)
	if err != nil {
		return errAt("samples", "%v", err)
	}
	defer f.Close()
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
			return errAt("samples", "%s:%d: bad duration %q", d.Samples, line, text)
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

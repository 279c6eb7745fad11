package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"runsim/internal/suggest"
	"runsim/sim"
)

// traceFormats are the trace formats by the name --trace-format takes and
// by extension.
var traceFormats = []struct {
	name  string
	exts  []string
	array bool // a JSON array of the JSON lines' objects
	f     sim.TraceFormat
	doc   string
}{
	{"text", []string{".trace", ".txt", ".log"}, false, sim.TraceText, "text"},
	{"csv", []string{".csv"}, false, sim.TraceCSV, "CSV"},
	{"jsonl", []string{".jsonl", ".ndjson"}, false, sim.TraceJSONL, "JSON lines"},
	{"json", []string{".json"}, true, sim.TraceJSONL, "a JSON array"},
}

// traceTarget is where --trace writes and how.
type traceTarget struct {
	path   string // "-" for standard output
	format sim.TraceFormat
	array  bool
}

func (t traceTarget) stdout() bool { return t.path == "-" }

// traceFormatNames are the names --trace-format takes.
func traceFormatNames() []string {
	var out []string
	for _, f := range traceFormats {
		out = append(out, f.name)
	}
	return out
}

// knownExtensions says which extensions name which format.
func knownExtensions() string {
	var parts []string
	for _, f := range traceFormats {
		parts = append(parts, suggest.OrList(f.exts)+" ("+f.doc+")")
	}
	return suggest.OrList(parts)
}

// parseTrace reads --trace and --trace-format: the format named, else the
// one the extension says (in any case), else text for standard output.
func parseTrace(path, format string) (traceTarget, error) {
	t := traceTarget{path: path}
	if format != "" {
		i := slices.Index(traceFormatNames(), format)
		if i < 0 {
			err := fmt.Sprintf("--trace-format must be %s, got %q", suggest.OrList(traceFormatNames()), format)
			if hint := suggest.DidYouMean(format, traceFormatNames(), nil); hint != "" {
				err += "; " + hint
			}
			return t, errors.New(err)
		}
		t.format, t.array = traceFormats[i].f, traceFormats[i].array
		return t, notAFolder(path, traceFormats[i].exts[0])
	}
	if t.stdout() {
		return t, nil
	}
	if err := notAFolder(path, ".csv"); err != nil {
		return t, err
	}
	ext := strings.ToLower(filepath.Ext(path))
	for _, f := range traceFormats {
		if slices.Contains(f.exts, ext) {
			t.format, t.array = f.f, f.array
			return t, nil
		}
	}
	if ext == "" {
		return t, fmt.Errorf("--trace %s: no extension to tell the format by: name the file %s, or give --trace-format", path, knownExtensions())
	}
	return t, fmt.Errorf("--trace %s: runsim does not write %s traces: name the file %s, or give --trace-format", path, ext, knownExtensions())
}

// notAFolder refuses a trace path that is a folder, with an example of a
// file name in it.
func notAFolder(path, ext string) error {
	if path == "-" {
		return nil
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return fmt.Errorf("--trace %s: is a folder; give a file's name, e.g. %s", path, filepath.Join(path, "trace"+ext))
	}
	return nil
}

// jsonArray turns JSON lines, one object a line as encoding/json writes
// them, into one JSON array with an object a line: "[", the objects
// separated by commas, "]". Close writes the end.
type jsonArray struct {
	w       io.Writer
	started bool
	pending bool // a line ended and its separator is not written yet
}

func (a *jsonArray) Write(p []byte) (int, error) {
	n := len(p)
	var b bytes.Buffer
	if !a.started {
		b.WriteString("[\n")
		a.started = true
	}
	for len(p) > 0 {
		if a.pending {
			b.WriteString(",\n")
			a.pending = false
		}
		line, rest, nl := bytes.Cut(p, []byte("\n"))
		b.Write(line)
		a.pending = nl
		p = rest
	}
	if _, err := a.w.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return n, nil
}

// Close ends the array.
func (a *jsonArray) Close() error {
	end := "\n]\n"
	if !a.started {
		end = "[]\n"
	}
	_, err := io.WriteString(a.w, end)
	return err
}

// lineCounter counts the lines written through it: a trace's events.
type lineCounter struct {
	w io.Writer
	n int64
}

func (c *lineCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(bytes.Count(p[:n], []byte("\n")))
	return n, err
}

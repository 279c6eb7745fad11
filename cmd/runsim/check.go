package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"text/tabwriter"
	"time"

	"runsim/check"
	"runsim/scenario"
)

const checkUsage = `usage: runsim check PATH... [flags]

Runs every scenario in PATH (files, or folders searched for *.yaml) and its
expectations (the expect: section), and compares its trace with the golden
trace X.trace beside X.yaml when there is one. Prints one line per scenario
(ok or FAIL, what was checked, time taken), then for each failure what was
expected, what happened and the events around it, and last a line
"N passed, N failed". A file that does not load is a FAIL line and counts
as failed.

Exit code 0 when every scenario passes, 1 when an expectation fails, 2 for
bad input (a scenario that does not load, a flag, an unreadable path) or
output that cannot be written (stdout, the --junit file).

flags:
  --update            rewrite the golden traces that exist, of the scenarios
                      --run selects, instead of comparing (create one with
                      runsim run X.yaml --trace X.trace); not with --set
  --junit FILE        also write JUnit XML for CI systems
  --run REGEX         check only scenarios whose name or path matches
  --set path=value    override a field in every scenario (repeatable), e.g.
                      --set service.throttle.limit=4 asks whether the suite
                      would still pass with a limit of 4
` + "  --warmup D          " + "leave the first D of every scenario's horizon out of its\n" +
	"                      metrics (overrides its warmup); traces do not depend on it\n"

// checkFlags are runsim check's own flags.
type checkFlags struct {
	setFlags
	update     bool
	junit, run string
	warmup     warmupFlag
}

func (f *checkFlags) declare(fs *flag.FlagSet) {
	f.setFlags.declare(fs)
	fs.BoolVar(&f.update, "update", false, "")
	stringFlags(fs, map[string]*string{"junit": &f.junit, "run": &f.run})
	f.warmup.declare(fs)
}

func checkCmd(c *call, f *checkFlags) int {
	sets := f.sets
	if f.update && len(sets) > 0 {
		return c.fail("--update cannot be combined with --set: the overrides would be written into the golden traces")
	}
	if set, err := f.warmup.check(); err != nil {
		return c.fail("%v", err)
	} else if set != "" {
		sets = append(sets, set) // after the --update check: traces do not depend on the warm-up
	}
	var match *regexp.Regexp
	if f.run != "" {
		var err error
		if match, err = regexp.Compile(f.run); err != nil {
			return c.fail("--run: %v", err)
		}
	}
	files, err := scenarioFiles(c.args)
	if err != nil {
		return c.fail("%v", err)
	}

	out := &stickyWriter{w: c.stdout}
	var results []*check.Result
	bad, failed := 0, 0
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	var details bytes.Buffer
	for _, file := range files {
		// Select before running: --update rewrites only what --run selects.
		s, err := scenario.Load(file, sets...)
		if err == nil && match != nil && !match.MatchString(s.File.Name) && !match.MatchString(file) {
			continue
		}
		var res *check.Result
		what := "does not load"
		if err == nil {
			res, err = check.Run(s, check.Options{Update: f.update})
			what = "could not run"
		}
		if err != nil {
			// Counted as a failure, in the summary line and the JUnit XML.
			fmt.Fprintf(c.stderr, "%v\n", err)
			bad++
			failed++
			res = &check.Result{Scenario: filepath.Base(file), Path: file, Err: err}
			results = append(results, res)
			fmt.Fprintf(tw, "FAIL\t%s\t%s\t%s\n", res.Scenario, file, what)
			continue
		}
		results = append(results, res)
		status := "ok"
		if !res.Passed() {
			status = "FAIL"
			failed++
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d checks\t%s\n", status, res.Scenario, file, len(res.Checks), roundElapsed(res.Elapsed))
		for _, fl := range res.Failures() {
			fmt.Fprintf(&details, "FAIL %s (%s)\n  %s\n", res.Scenario, file, strings.ReplaceAll(fl.Error(), "\n", "\n  "))
		}
	}
	tw.Flush()
	if details.Len() > 0 {
		fmt.Fprintf(out, "\n%s", details.String())
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", len(results)-failed, failed)
	// A write that fails is exit 2, whatever the checks found.
	writeFailed := false
	if out.err != nil {
		writeFailed = true
		c.fail("writing the results: %v", out.err)
	}
	if f.junit != "" {
		if err := output(nil, f.junit, func(w io.Writer) error { return check.WriteJUnit(w, results) }); err != nil {
			writeFailed = true
			c.fail("--junit: %v", err)
		}
	}
	switch {
	case bad > 0 || writeFailed:
		return exitBadInput
	case failed > 0:
		return exitFailed
	}
	return exitOK
}

// stickyWriter keeps the first error of its writer and writes nothing after
// it, so a run of prints is checked once.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

func roundElapsed(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(10 * time.Millisecond)
	}
	return d.Round(10 * time.Microsecond)
}

// scenarioFiles expands folders into the *.yaml files below them, sorted.
func scenarioFiles(paths []string) ([]string, error) {
	return filesIn(paths, func(dir string) (files []string, err error) {
		err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == "testdata" {
				return filepath.SkipDir
			}
			if !d.IsDir() && strings.HasSuffix(path, ".yaml") {
				files = append(files, path)
			}
			return nil
		})
		return files, err
	})
}

// filesIn lists the files paths name: a file as given, a folder as the
// files list finds in it.
func filesIn(paths []string, list func(dir string) ([]string, error)) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		files, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	return out, nil
}

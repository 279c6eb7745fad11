package main

import (
	"bytes"
	"errors"
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
	"runsim/scenarios"
)

// checkSpec are the shared flags of check: --warmup and --set, not --seed
// (each scenario keeps its own).
var checkSpec = sharedSpec{warmup: true, set: true}

var checkUsage = `usage: runsim check PATH... [flags]

Runs every scenario in PATH (files, folders searched for *.yaml, or
scenarios and folders of the library shipped with runsim) and its
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
  --update             rewrite the golden traces that exist, of the scenarios
                       --run selects, instead of comparing (create one with
                       runsim run X.yaml --trace X.trace); not with --set
  --junit FILE         also write JUnit XML for CI systems
  --run REGEX          check only scenarios whose name or path matches
` + checkSpec.help() + `
--warmup and --set apply to every scenario; traces do not depend on the
warm-up. --set service.throttle.limit=4 asks whether the suite would still
pass with a limit of 4.
`

// checkFlags are runsim check's own flags.
type checkFlags struct {
	update     bool
	junit, run string
}

func (f *checkFlags) declare(fs *flag.FlagSet) {
	fs.BoolVar(&f.update, "update", false, "")
	stringFlags(fs, map[string]*string{"junit": &f.junit, "run": &f.run})
}

func checkCmd(c *call, f *checkFlags) int {
	// --warmup is among the overrides too, and allowed with --update:
	// traces do not depend on the warm-up.
	if f.update && c.sh.given("set") {
		return c.fail("--update cannot be combined with --set: the overrides would be written into the golden traces")
	}
	var match *regexp.Regexp
	if f.run != "" {
		var err error
		if match, err = regexp.Compile(f.run); err != nil {
			return c.fail("--run: %v", err)
		}
	}
	var files []string
	for _, arg := range c.args {
		if _, err := os.Stat(arg); err != nil && !scenarios.Has(arg) && len(libraryFolder(arg)) == 0 {
			if errors.Is(err, fs.ErrNotExist) {
				return c.fail("%v", noScenario(arg))
			}
			return c.fail("%v", fileError(arg, err))
		}
		in, err := scenarioPaths(arg)
		if err != nil {
			return c.fail("%v", err)
		}
		files = append(files, in...)
	}

	out := &stickyWriter{w: c.stdout}
	var results []*check.Result
	bad, failed := 0, 0
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	var details bytes.Buffer
	for _, file := range files {
		// Select before running: --update rewrites only what --run selects.
		s, err := c.checkScenario(file)
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

// checkScenario loads a scenario of check with the overrides: a file with
// scenario.Load, a name of the library as the commands that load do.
func (c *call) checkScenario(file string) (*scenario.Scenario, error) {
	if _, err := os.Stat(file); err != nil {
		s, err := c.sh.load(file)
		return s.Scenario, err
	}
	return scenario.Load(file, c.sh.sets...)
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

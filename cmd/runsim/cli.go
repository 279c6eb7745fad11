package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"runsim/internal/atomicfile"
	"runsim/scenario"
	"runsim/scenarios"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1 // kept for failed expectations
	exitBadInput = 2 // bad input or usage, or output that cannot be written
)

type command struct {
	name, summary, usage string
	run                  func(args []string, stdout, stderr io.Writer) int
}

var commands []command

func init() {
	commands = []command{
		{"run", "simulate a scenario and print its summary", runUsage, runCmd},
		{"sweep", "run a scenario over a grid of parameter values, with confidence intervals", sweepUsage, sweepCmd},
		{"merge", "put the shards of a sweep (sweep --shard K/N) together, byte for byte", mergeUsage, mergeCmd},
		{"capacity", "find the largest (or smallest) parameter value that keeps a metric within a target", capacityUsage, capacityCmd},
		{"compare", "run a scenario and its variants side by side on the same random numbers", compareUsage, compareCmd},
		{"check", "run scenarios and their expectations and golden traces", checkUsage, checkCmd},
		{"policies", "list every registered policy variant, its options and defaults", policiesUsage, policiesCmd},
		{"validate", "check scenario files without running them", validateUsage, validateCmd},
		{"serve", "serve the service as a local Graph emulator in virtual time, for testing client code", serveUsage, serveCmd},
		{"token", "print a bearer token that runsim serve accepts", tokenUsage, tokenCmd},
		{"help", "explain runsim or one of its commands", "usage: runsim help [COMMAND]\n", helpCmd},
	}
}

const overview = `runsim simulates the run scheduler and start throttle of the Microsoft Graph
industry data service (POST /external/industryData/runs/start), in virtual
time, under explicit policies for everything the documentation leaves open.

usage: runsim COMMAND [ARGUMENTS]

commands:
%s
Scenario files are YAML; see README.md for the format, or start from the
files in scenarios/. "runsim help COMMAND" explains a command and its flags.

exit codes: 0 ok; 1 failed expectations; 2 bad input or usage, or output
that cannot be written.
`

func overviewText() string {
	var b strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	return fmt.Sprintf(overview, b.String())
}

func cli(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, overviewText())
		return exitBadInput
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, overviewText())
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "runsim: unknown command %q; run \"runsim help\" for the list\n", args[0])
	return exitBadInput
}

func helpCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stdout, overviewText())
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			fmt.Fprint(stdout, c.usage)
			return exitOK
		}
	}
	fmt.Fprintf(stderr, "runsim help: unknown command %q; run \"runsim help\" for the list\n", args[0])
	return exitBadInput
}

// parseFlags parses flags that may come before, between or after the
// positional arguments, and returns the positional ones. -h and --help
// print the usage to stdout and return flag.ErrHelp.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) ([]string, int, bool) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, usage)
				return nil, exitOK, false
			}
			fmt.Fprintf(stderr, "runsim %s: %v\n%s", fs.Name(), err, usage)
			return nil, exitBadInput, false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, exitOK, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, " ") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// shared are the flags several commands take, declared once here: the
// scenario's seed and overrides, the output format, replications and
// workers, and a report folder. A command says which it takes with a
// sharedSpec.
type shared struct {
	spec         sharedSpec
	seed         string
	sets         multi
	format       string
	replications int
	workers      int
	report       string
}

// sharedSpec says which shared flags a command takes, and what they mean
// for it. Every command takes --seed and --set.
type sharedSpec struct {
	formats      []string // --format's values, the default first; none: no --format
	replications string   // --replications' default, for the help; "": no --replications nor --workers
	report       string   // what --report DIR writes; "": no --report
}

// declare adds the flags of spec to fs.
func (sh *shared) declare(fs *flag.FlagSet, spec sharedSpec) {
	sh.spec = spec
	fs.StringVar(&sh.seed, "seed", "", "")
	fs.Var(&sh.sets, "set", "")
	if len(spec.formats) > 0 {
		fs.StringVar(&sh.format, "format", spec.formats[0], "")
	}
	if spec.replications != "" {
		fs.IntVar(&sh.replications, "replications", 0, "")
		fs.IntVar(&sh.workers, "workers", runtime.NumCPU(), "")
	}
	if spec.report != "" {
		fs.StringVar(&sh.report, "report", "", "")
	}
}

// help is the usage text of the shared flags of spec.
func (spec sharedSpec) help() string {
	var b strings.Builder
	line := func(flag, text string) {
		words := strings.Fields(text)
		fmt.Fprintf(&b, "  %-20s", flag)
		width := 22
		for _, w := range words {
			if width+len(w)+1 > 78 && width > 22 {
				fmt.Fprintf(&b, "\n%22s", "")
				width = 22
			}
			fmt.Fprintf(&b, " %s", w)
			width += len(w) + 1
		}
		b.WriteString("\n")
	}
	if len(spec.formats) > 0 {
		text := fmt.Sprintf("output format (default %s).", spec.formats[0])
		var machine []string
		for _, f := range spec.formats {
			if f == "json" || f == "csv" {
				machine = append(machine, f)
			}
		}
		if len(machine) > 0 {
			verb := " gives"
			if len(machine) > 1 {
				verb = " give"
			}
			text += " " + strings.Join(machine, " and ") + verb + " durations in seconds, under keys ending in _s, and fractions from 0 to 1"
			if slices.Contains(spec.formats, "text") {
				text += "; text gives durations as 1h25m and fractions as percentages"
			}
			text += "."
		}
		line("--format "+strings.Join(spec.formats, "|"), text)
	}
	if spec.replications != "" {
		line("--replications N", "independent replications (seeds derived from the scenario's); metrics are then means with their 95% confidence intervals (default: "+spec.replications+")")
		line("--workers N", "run replications on N goroutines (default: the number of CPUs); the results do not depend on it")
	}
	if spec.report != "" {
		line("--report DIR", "also write "+spec.report)
	}
	line("--seed N", "use seed N instead of the scenario's seed")
	line("--set path=value", "override a scenario field (repeatable; list items by index or by name), e.g. service.throttle.limit=6 or clients.admin.arrivals.poisson.rate=2/h")
	return b.String()
}

// scenarioArg explains the scenario argument of a command.
const scenarioArg = `SCENARIO is a scenario file, or the name of a scenario of the library
shipped with runsim (documented, burst, policies/throttle-gcra, ...); a
file that exists wins over a library name.
`

// check validates the shared flags' values and folds --seed into the
// overrides.
func (sh *shared) check() error {
	if len(sh.spec.formats) > 0 && !slices.Contains(sh.spec.formats, sh.format) {
		return fmt.Errorf("--format must be %s, got %q", strings.Join(sh.spec.formats, " or "), sh.format)
	}
	if sh.spec.replications != "" && (sh.replications < 0 || sh.workers < 1) {
		return errors.New("--replications must be >= 1 and --workers >= 1")
	}
	if sh.seed != "" {
		if _, err := strconv.ParseUint(sh.seed, 10, 64); err != nil {
			return fmt.Errorf("--seed must be a whole number >= 0, got %q", sh.seed)
		}
		sh.sets = append(sh.sets, "seed="+sh.seed)
	}
	return nil
}

// loaded is a scenario and the text it was loaded from.
type loaded struct {
	*scenario.Scenario
	source []byte // the file as written
}

// load loads the scenario a command names, with the --set and --seed
// overrides: a file when it exists, else a scenario of the library.
func (sh *shared) load(arg string) (loaded, error) {
	if _, err := os.Stat(arg); err != nil && scenarios.Has(arg) {
		s, err := scenarios.Load(arg, sh.sets...)
		if err != nil {
			return loaded{}, err
		}
		src, err := fs.ReadFile(scenarios.FS, arg+".yaml")
		return loaded{s, src}, err
	}
	src, err := os.ReadFile(arg)
	if errors.Is(err, fs.ErrNotExist) {
		return loaded{}, fmt.Errorf("%w, and the library has no scenario %q (it has %s)", err, arg, strings.Join(scenarios.Names(), ", "))
	}
	if err != nil {
		return loaded{}, err
	}
	s, err := scenario.Parse(arg, src, sh.sets...)
	return loaded{s, src}, err
}

// output writes what write produces to w, whole: a write that fails, to a
// file or to standard output, is an error.
func output(w io.Writer, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// toFile writes what write produces to the file at path, whole or not at
// all.
func toFile(path string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	return atomicfile.Write(path, buf.Bytes())
}

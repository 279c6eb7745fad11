package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
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

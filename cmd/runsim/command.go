package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"runsim/internal/suggest"
)

// A command is one of runsim's commands: its name and what the help says
// of it, what it takes and what it does. Every command is run the same
// way (command.call): its flags parsed, -h and --help printing its usage;
// its arguments checked; the shared flags' values checked; for a command
// that loads, the scenario of its one argument loaded; any mistake one
// message and exit 2. Only then does its own code run.
type command struct {
	name, summary, usage string
	// shared are the shared flags it takes, as its sharedSpec says; nil:
	// none.
	shared *sharedSpec
	// args checks its positional arguments.
	args arity
	// loads is set when its one argument is a scenario to load with the
	// shared flags' overrides (call.s).
	loads bool
	// ownSignals is set when it handles SIGINT and SIGTERM itself, for a
	// graceful shutdown (serve); call.ctx is then cancelled by them.
	ownSignals bool
	// run declares its own flags and does what it does; nil when it has
	// subcommands.
	run action
	// subs are its subcommands, named by its first argument (probe plan,
	// probe run); they share its name, usage, shared flags and arity.
	subs []subcommand
}

type subcommand struct {
	name string
	run  action
}

// An action declares a command's own flags on a flag set and returns what
// does the command once they are parsed.
type action func(fs *flag.FlagSet) func(c *call) int

// ownFlags are a command's own flags: a struct whose declare method binds
// its fields to flags.
type ownFlags[F any] interface {
	*F
	declare(fs *flag.FlagSet)
}

// does is the action of run, given its own flags F.
func does[F any, P ownFlags[F]](run func(c *call, f P) int) action {
	return func(fs *flag.FlagSet) func(*call) int {
		f := P(new(F))
		f.declare(fs)
		return func(c *call) int { return run(c, f) }
	}
}

// noFlags are the own flags of a command that has none.
type noFlags struct{}

func (*noFlags) declare(*flag.FlagSet) {}

// A call is a command being run, its command line parsed and checked.
type call struct {
	ctx            context.Context // cancelled by SIGINT and SIGTERM for a command that owns them
	name           string          // the command's
	line           []string        // the command line after the command's name, as given
	args           []string        // the positional arguments
	stdout, stderr io.Writer
	sh             shared // the shared flags' values
	s              loaded // the scenario, for a command that loads one
}

// main runs the command as the process: with a context that SIGINT and
// SIGTERM cancel when it owns them.
func (cmd command) main(line []string, stdout, stderr io.Writer) int {
	ctx := context.Background()
	if cmd.ownSignals {
		ownSignals.Store(true)
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	return cmd.call(ctx, line, stdout, stderr)
}

// call runs the command with line, the command line after its name.
func (cmd command) call(ctx context.Context, line []string, stdout, stderr io.Writer) int {
	c := &call{ctx: ctx, name: cmd.name, line: line, stdout: stdout, stderr: stderr}
	run, args := cmd.run, line
	if len(cmd.subs) > 0 {
		i := slices.IndexFunc(cmd.subs, func(s subcommand) bool { return len(line) > 0 && s.name == line[0] })
		switch {
		case i >= 0:
			run, args = cmd.subs[i].run, line[1:]
		case len(line) > 0 && isHelp(line[0]):
			return c.print(cmd.usage)
		default:
			names := make([]string, len(cmd.subs))
			for i, s := range cmd.subs {
				names[i] = s.name
			}
			return c.fail("say %s; see runsim help %s", suggest.OrList(names), cmd.name)
		}
	}
	fs := flag.NewFlagSet(cmd.name, flag.ContinueOnError)
	if cmd.shared != nil {
		c.sh.declare(fs, *cmd.shared)
	}
	do := run(fs)
	var code int
	var ok bool
	if c.args, code, ok = c.parse(fs, cmd.usage, args); !ok {
		return code
	}
	if err := cmd.args(cmd.name, c.args); err != nil {
		var u usageError
		if errors.As(err, &u) {
			return c.usageFail(u.Error())
		}
		return c.fail("%v", err)
	}
	if cmd.shared != nil {
		if err := c.sh.check(); err != nil {
			return c.fail("%v", err)
		}
	}
	if cmd.loads {
		var err error
		if c.s, err = c.sh.load(c.args[0]); err != nil {
			return c.fail("%v", err)
		}
	}
	return do(c)
}

// isHelp says whether arg asks for the usage.
func isHelp(arg string) bool { return arg == "-h" || arg == "-help" || arg == "--help" }

// An arity checks a command's positional arguments: an error says what is
// wrong with them.
type arity func(cmd string, args []string) error

// oneScenario takes one scenario.
func oneScenario(cmd string, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("want one scenario file, got %d; see runsim help %s", len(args), cmd)
	}
	return nil
}

// some takes one or more of what noun names.
func some(noun string) arity {
	return func(cmd string, args []string) error {
		if len(args) == 0 {
			return fmt.Errorf("no %s given; see runsim help %s", noun, cmd)
		}
		return nil
	}
}

// noArguments takes none.
func noArguments(cmd string, args []string) error {
	if len(args) > 0 {
		return usageError(fmt.Sprintf("takes no arguments, got %q", strings.Join(args, " ")))
	}
	return nil
}

// flagsOnly takes no arguments, and says so of the first with hint.
func flagsOnly(hint string) arity {
	return func(cmd string, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("unexpected argument %q%s", args[0], hint)
		}
		return nil
	}
}

// atMostOne takes none or one of what noun names.
func atMostOne(noun string) arity {
	return func(cmd string, args []string) error {
		if len(args) > 1 {
			return usageError(fmt.Sprintf("takes at most one %s, got %d: %q", noun, len(args), strings.Join(args, " ")))
		}
		return nil
	}
}

// anyArguments takes any.
func anyArguments(string, []string) error { return nil }

// usageError is a mistake in a command line, said with where to find the
// command's usage.
type usageError string

func (e usageError) Error() string { return string(e) }

// parse parses flags that may come before, between or after the
// positional arguments, and returns the positional ones. -h and --help
// print the usage to stdout and stop with exit code 0; a bad flag prints
// one line saying what is wrong, with the nearest flag's name when it
// looks like a typo, and where to find the usage, as go and git do.
func (c *call) parse(fs *flag.FlagSet, usage string, args []string) ([]string, int, bool) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, c.print(usage), false
			}
			return nil, c.usageFail(flagError(fs, err)), false
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, exitOK, true
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// usageFail prints a mistake in the command line, and where to find the
// usage, and returns exitBadInput.
func (c *call) usageFail(msg string) int {
	fmt.Fprintf(c.stderr, "runsim %s: %s\nrun \"runsim help %s\" for usage\n", c.name, msg, c.name)
	return exitBadInput
}

// fail is a command's way to fail with bad input: it prints "runsim CMD: "
// and the message on stderr, one line per error when the message is
// joined errors, and returns exitBadInput.
// print writes a help text to standard output; a failed write is exit 2.
func (c *call) print(text string) int {
	if _, err := io.WriteString(c.stdout, text); err != nil {
		return c.fail("writing the help: %v", err)
	}
	return exitOK
}

func (c *call) fail(format string, args ...any) int {
	prefix := "runsim " + c.name + ": "
	for line := range strings.SplitSeq(fmt.Sprintf(format, args...), "\n") {
		fmt.Fprintf(c.stderr, "%s%s\n", prefix, withoutPackages(strings.TrimPrefix(line, prefix)))
	}
	return exitBadInput
}

// internalPrefix is the prefix of an error from one of runsim's packages
// ("sim: ", "policy: "), at the start of a message or after a colon: for
// a Go caller it says where the error comes from, for people it is noise.
var internalPrefix = regexp.MustCompile(`(^|: )(?:sim|policy|experiment|metrics|scenarios|reports|atomicfile|check): `)

func withoutPackages(msg string) string { return internalPrefix.ReplaceAllString(msg, "$1") }

// wrote says on stderr what the command wrote where, as "runsim CMD: wrote
// WHAT to PATH", unless --quiet; so that a command that succeeds with its
// output in files is not silent.
func (c *call) wrote(what, path string) {
	if !c.sh.quiet {
		fmt.Fprintf(c.stderr, "runsim %s: wrote %s to %s\n", c.name, what, path)
	}
}

package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"runsim/experiment"
	"runsim/internal/atomicfile"
	"runsim/internal/suggest"
	"runsim/metrics"
	"runsim/scenario"
	"runsim/scenarios"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1 // kept for failed expectations
	exitBadInput = 2 // bad input or usage, or output that cannot be written
)

var commands []command

// The commands, in the order the help lists them; the table refers to
// commands, so it is filled in init.
func init() {
	commands = []command{
		{name: "run", summary: "simulate a scenario and print its summary", usage: runUsage, shared: &runSpec, args: oneScenario, loads: true, run: does(runCmd)},
		{name: "sweep", summary: "run a scenario over a grid of parameter values, with confidence intervals", usage: sweepUsage, shared: &sweepSpec, args: oneScenario, loads: true, run: does(sweepCmd)},
		{name: "merge", summary: "put the shards of a sweep (sweep --shard K/N) together, byte for byte", usage: mergeUsage, shared: &mergeSpec, args: some("shards"), run: does(mergeCmd)},
		{name: "capacity", summary: "find the largest (or smallest) parameter value that keeps a metric within a target", usage: capacityUsage, shared: &capacitySpec, args: oneScenario, loads: true, run: does(capacityCmd)},
		{name: "compare", summary: "run a scenario and its variants side by side on the same random numbers", usage: compareUsage, shared: &compareSpec, args: oneScenario, loads: true, run: does(compareCmd)},
		{name: "check", summary: "run scenarios and their expectations and golden traces", usage: checkUsage, shared: &checkSpec, args: some("paths"), run: does(checkCmd)},
		{name: "policies", summary: "list every registered policy variant, its options and defaults", usage: policiesUsage, args: anyArguments, run: does(policiesCmd)},
		{name: "validate", summary: "check scenario files without running them", usage: validateUsage, shared: &validateSpec, args: some("scenarios"), run: does(validateCmd)},
		{name: "serve", summary: "serve the service as a local Graph emulator in virtual time, for testing client code", usage: serveUsage, shared: &serveSpec, args: oneScenario, loads: true, ownSignals: true, run: does(serveCmd)},
		{name: "fit", summary: "tell which readings of the open questions agree with what the service answered", usage: fitUsage, shared: &fitSpec, args: flagsOnly(": give the files with --requests and --runs"), run: does(fitCmd)},
		{name: "probe", summary: "design and carry out the cheapest experiment that tells the open readings apart", usage: probeUsage, shared: &fitSpec, args: flagsOnly("; see runsim help probe"),
			subs: []subcommand{{"plan", does(probePlanCmd)}, {"run", does(probeRunCmd)}}},
		{name: "token", summary: "print a bearer token that runsim serve accepts", usage: tokenUsage, args: noArguments, run: does(tokenCmd)},
		{name: "version", summary: "print runsim's version and the revision it was built from", usage: versionUsage, args: noArguments, run: does(versionCmd)},
		{name: "help", summary: "explain runsim or one of its commands", usage: "usage: runsim help [COMMAND]\n", args: atMostOne("command"), run: does(helpCmd)},
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
that cannot be written; 130 and 143 interrupted (SIGINT, SIGTERM), with
the files being written removed.
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
	name := args[0]
	switch name {
	case "-h", "-help", "--help":
		if _, err := io.WriteString(stdout, overviewText()); err != nil {
			fmt.Fprintf(stderr, "runsim: writing the help: %v\n", err)
			return exitBadInput
		}
		return exitOK
	case "-v", "-version", "--version":
		name = "version"
	}
	if c, ok := lookupCommand(name); ok {
		return c.main(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "runsim: %s\nrun \"runsim help\" for the list of commands\n", unknownCommand(args[0]))
	return exitBadInput
}

func lookupCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// unknownCommand says that name is no command, and which it may have
// meant.
func unknownCommand(name string) string {
	if strings.HasPrefix(name, "-") {
		msg := fmt.Sprintf("unknown flag %s: flags go after the command", name)
		if hint := suggest.DidYouMean(strings.TrimLeft(name, "-"), []string{"help", "version"}, dashed); hint != "" {
			msg = fmt.Sprintf("unknown flag %s; %s", name, hint)
		}
		return msg
	}
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	msg := fmt.Sprintf("unknown command %q", name)
	if hint := suggest.DidYouMean(name, names, nil); hint != "" {
		msg += "; " + hint
	}
	return msg
}

// dashed writes a flag's name as people type it.
func dashed(name string) string { return "--" + name }

func helpCmd(c *call, _ *noFlags) int {
	if len(c.args) == 0 {
		return c.print(overviewText())
	}
	if cmd, ok := lookupCommand(c.args[0]); ok {
		return c.print(cmd.usage)
	}
	fmt.Fprintf(c.stderr, "runsim help: %s\nrun \"runsim help\" for the list of commands\n", unknownCommand(c.args[0]))
	return exitBadInput
}

var (
	undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	flagNoValue   = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	badFlagValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-+([^:]*): (.*)$`)
	badSyntax     = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// flagError rewrites an error of package flag for people: flags written
// as they are typed (--seed), a typo's nearest flag, and what a bad value
// should have been.
func flagError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := undefinedFlag.FindStringSubmatch(msg); m != nil {
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		out := "unknown flag --" + m[1]
		if hint := suggest.DidYouMean(m[1], names, dashed); hint != "" {
			out += "; " + hint
		}
		return out
	}
	if m := flagNoValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := badSyntax.FindStringSubmatch(msg); m != nil {
		return "bad flag syntax " + m[1] + ": flags are --name or --name=value"
	}
	if m := badFlagValue.FindStringSubmatch(msg); m != nil {
		value, name, why := m[1], m[2], m[3]
		switch why {
		case "parse error":
			why = "not a number"
			if f := fs.Lookup(name); f != nil {
				if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
					why = "want true or false"
				} else if g, ok := f.Value.(flag.Getter); ok {
					if _, isInt := g.Get().(int); isInt {
						why = "not a whole number"
					}
				}
			}
		case "value out of range":
			why = "out of range"
		}
		return fmt.Sprintf("--%s %s: %s", name, value, why)
	}
	return msg
}

// multi is a repeatable string flag.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, " ") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// stringFlags declares string flags that have no default, by name,
// bound to the pointers.
func stringFlags(fs *flag.FlagSet, flags map[string]*string) {
	for name, p := range flags {
		fs.StringVar(p, name, "", "")
	}
}

// shared are the flags several commands take, declared once here: the
// scenario's seed and overrides, the output format, replications and
// workers, and a report folder. A command says which it takes with a
// sharedSpec.
type shared struct {
	spec         sharedSpec
	fs           *flag.FlagSet
	seed         string
	sets         multi
	format       string
	replications int
	workers      int
	report       string
	quiet        bool
	maxEvents    eventCount
	warmup       warmupFlag
}

// sharedSpec says which shared flags a command takes, and what they mean
// for it; a flag it does not name is not declared.
type sharedSpec struct {
	formats []string // --format's values, the default first; none: no --format
	// replications is --replications' default, for the help; it is set
	// for the commands that estimate metrics over replications (run,
	// compare, sweep, capacity), which may run for long: they take
	// --replications and --workers, --quiet (no progress display, no note
	// of what was written) and --max-events (the budget of simulated
	// events). "": none of these.
	replications string
	report       string // what --report DIR writes; "": no --report
	warmup       bool   // --warmup D, folded into the overrides
	seed         bool   // --seed N, folded into the overrides
	set          bool   // --set path=value, repeatable
}

// textOrJSON are the --format values of most commands: text, the
// default, or JSON.
var textOrJSON = []string{"text", "json"}

// fitSpec are the shared flags of fit and probe: --format, --seed and
// --set.
var fitSpec = sharedSpec{formats: textOrJSON, seed: true, set: true}

// declare adds the flags of spec to fs.
func (sh *shared) declare(fs *flag.FlagSet, spec sharedSpec) {
	sh.spec, sh.fs = spec, fs
	if spec.seed {
		fs.StringVar(&sh.seed, "seed", "", "")
	}
	if spec.set {
		fs.Var(&sh.sets, "set", "")
	}
	if len(spec.formats) > 0 {
		fs.StringVar(&sh.format, "format", spec.formats[0], "")
	}
	if spec.replications != "" {
		fs.IntVar(&sh.replications, "replications", 0, "")
		fs.IntVar(&sh.workers, "workers", runtime.NumCPU(), "")
		fs.BoolVar(&sh.quiet, "quiet", false, "")
		sh.maxEvents = defaultMaxEvents
		fs.Var(&sh.maxEvents, "max-events", "")
	}
	if spec.warmup {
		sh.warmup.declare(fs)
	}
	if spec.report != "" {
		fs.StringVar(&sh.report, "report", "", "")
	}
}

// warmupFlag is --warmup D: the initial transient every metric leaves out,
// the scenario's warmup field overridden (as --set warmup=D would, and
// checked as strictly: shorter than the horizon). It is declared here
// once, for the commands whose sharedSpec says warmup.
type warmupFlag struct{ value string }

const warmupHelp = "leave the first D of the horizon out of every metric (a warm-up: counts from D on, freshness and occupancy time-weighted from D on, the state at D carried in); overrides the scenario's warmup (default: the scenario's, 0 unless it says), e.g. --warmup 2d"

func (w *warmupFlag) declare(fs *flag.FlagSet) { fs.StringVar(&w.value, "warmup", "", "") }

// check validates the value and returns the override it stands for, or ""
// when the flag was not given.
func (w *warmupFlag) check() (string, error) {
	if w.value == "" {
		return "", nil
	}
	if _, err := scenario.ParseDuration(w.value); err != nil {
		return "", fmt.Errorf("--warmup: %v", err)
	}
	return "warmup=" + w.value, nil
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
	if spec.replications != "" {
		line("--max-events N", "refuse work estimated at more than N simulated events in all, before it starts (default "+metrics.FormatInt(int64(defaultMaxEvents))+", about a minute on one CPU; 0: no limit)")
		line("--quiet", "no progress display (drawn only when standard error is a terminal) and no note of the files written")
	}
	if spec.warmup {
		line("--warmup D", warmupHelp)
	}
	if spec.seed {
		line("--seed N", "use seed N instead of the scenario's seed")
	}
	if spec.set {
		line("--set path=value", "override a scenario field (repeatable; list items by index or by name), e.g. service.throttle.limit=6 or clients.admin.arrivals.poisson.rate=2/h")
	}
	return b.String()
}

// scenarioArg explains the scenario argument of a command.
const scenarioArg = `SCENARIO is a scenario file, or the name of a scenario of the library
shipped with runsim (documented, burst, policies/throttle-gcra, ...); a
file that exists wins over a library name.
`

// check validates the shared flags' values, one error per flag that is
// wrong (joined), and folds --seed into the overrides.
func (sh *shared) check() error {
	var errs []error
	if len(sh.spec.formats) > 0 && !slices.Contains(sh.spec.formats, sh.format) {
		err := fmt.Sprintf("--format must be %s, got %q", strings.Join(sh.spec.formats, " or "), sh.format)
		if hint := suggest.DidYouMean(sh.format, sh.spec.formats, nil); hint != "" {
			err += "; " + hint
		}
		errs = append(errs, errors.New(err))
	}
	if sh.spec.replications != "" {
		if sh.replications < 1 && (sh.given("replications") || sh.replications < 0) {
			errs = append(errs, fmt.Errorf("--replications must be at least 1, got %d (leave it out for %s)", sh.replications, sh.spec.replications))
		}
		if sh.replications > scenario.MaxReplications {
			errs = append(errs, fmt.Errorf("--replications must be at most %d, got %d", scenario.MaxReplications, sh.replications))
		}
		if sh.workers < 1 {
			errs = append(errs, fmt.Errorf("--workers must be at least 1, got %d", sh.workers))
		}
	}
	if set, err := sh.warmup.check(); err != nil {
		errs = append(errs, err)
	} else if set != "" {
		sh.sets = append(sh.sets, set)
	}
	if sh.seed != "" {
		if _, err := strconv.ParseUint(sh.seed, 10, 64); err != nil {
			errs = append(errs, fmt.Errorf("--seed must be a whole number >= 0, got %q", sh.seed))
		} else {
			sh.sets = append(sh.sets, "seed="+sh.seed)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	name := ""
	if sh.fs != nil {
		name = sh.fs.Name()
	}
	return flagErrors{cmd: name, errs: errs}
}

// given says whether the flag name was given on the command line.
func (sh *shared) given(name string) bool {
	found := false
	if sh.fs != nil {
		sh.fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	}
	return found
}

// flagErrors are the errors of several flags: one line each, every line
// after the first starting as a command's message does ("runsim sweep: "),
// so that printed after that prefix each reads as a message of its own.
type flagErrors struct {
	cmd  string
	errs []error
}

func (e flagErrors) Error() string {
	lines := make([]string, len(e.errs))
	for i, err := range e.errs {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\nrunsim "+e.cmd+": ")
}

func (e flagErrors) Unwrap() []error { return e.errs }

// loaded is a scenario and the text it was loaded from.
type loaded struct {
	*scenario.Scenario
	source []byte // the file as written
	// overrides are the --set and --seed overrides in force (--seed as
	// seed=N), in order.
	overrides []string
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
		return loaded{s, src, sh.sets}, err
	}
	if info, err := os.Stat(arg); err == nil && info.IsDir() {
		return loaded{}, fmt.Errorf("%s is a folder: give one scenario file (runsim check and runsim validate take folders)", arg)
	}
	src, err := os.ReadFile(arg)
	if errors.Is(err, fs.ErrNotExist) {
		return loaded{}, noScenario(arg)
	}
	if err != nil {
		return loaded{}, fileError(arg, err)
	}
	s, err := scenario.Parse(arg, src, sh.sets...)
	return loaded{s, src, sh.sets}, err
}

// noScenario says that arg is neither a file nor a scenario of the
// library, and names the scenario it may have meant.
func noScenario(arg string) error {
	names := scenarios.Names()
	if in := libraryFolder(arg); len(in) > 0 {
		return fmt.Errorf("%s: no such file, and in the library it is a folder: give one of its scenarios (%s)", arg, strings.Join(in, ", "))
	}
	msg := fmt.Sprintf("%s: no such file, and the library has no scenario %q", arg, arg)
	if hint := libraryHint(arg, names); hint != "" {
		return errors.New(msg + "; " + hint)
	}
	if filepath.IsAbs(arg) || filepath.Ext(arg) != "" {
		return fmt.Errorf("%s: no such file", arg) // a path, not a name
	}
	return fmt.Errorf("%s (it has %s)", msg, strings.Join(names, ", "))
}

// libraryFolder returns the library's scenarios below the folder dir
// ("rules"), or nil when it is no folder of the library.
func libraryFolder(dir string) []string {
	prefix := strings.TrimSuffix(dir, "/") + "/"
	var out []string
	for _, n := range scenarios.Names() {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}

// libraryHint suggests the library's scenario nearest to arg: by its
// name, by its name with .yaml (documented.yaml), or by the last part of
// its name (throttle-gcra for policies/throttle-gcra).
func libraryHint(arg string, names []string) string {
	name := strings.TrimSuffix(arg, ".yaml")
	if name != arg && slices.Contains(names, name) {
		return suggest.Phrase([]string{name}, nil)
	}
	if hint := suggest.DidYouMean(name, names, nil); hint != "" {
		return hint
	}
	base := map[string]string{}
	var bases []string
	for _, n := range names {
		b := path.Base(n)
		if _, dup := base[b]; !dup {
			base[b] = n
			bases = append(bases, b)
		}
	}
	if b, ok := base[path.Base(name)]; ok {
		return suggest.Phrase([]string{b}, nil)
	}
	near := suggest.Nearest(path.Base(name), bases)
	full := make([]string, len(near))
	for i, b := range near {
		full[i] = base[b]
	}
	return suggest.Phrase(full, nil)
}

// fileError is err about the file at path, without the operation's name
// that package os puts in front ("open x: permission denied" becomes
// "x: permission denied").
func fileError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %v", path, pe.Err)
	}
	return err
}

// output writes what write produces whole: to the file at path, whole or
// not at all, or when path is "" to w. A write that fails, to a file or to
// standard output, is an error.
func output(w io.Writer, path string, write func(io.Writer) error) error {
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		return err
	}
	if path != "" {
		return atomicfile.Write(path, buf.Bytes())
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// reportError is an error writing a report folder, without the
// operation's name that package os puts in front and without a temporary
// name.
func reportError(dir string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		if strings.HasPrefix(filepath.Base(pe.Path), ".") {
			return fmt.Errorf("%s: %v", dir, pe.Err)
		}
		return fmt.Errorf("%s: %v", pe.Path, pe.Err)
	}
	return err
}

// eventCount is a number of events given as a flag: 1000000, 1_000_000,
// 1,000,000 or 1e6.
type eventCount int64

// defaultMaxEvents is --max-events' default: a billion events take about
// a minute on one CPU.
const defaultMaxEvents eventCount = 1_000_000_000

func (n *eventCount) String() string { return metrics.FormatInt(int64(*n)) }

func (n *eventCount) Set(s string) error {
	clean := strings.NewReplacer("_", "", ",", "").Replace(s)
	if v, err := strconv.ParseInt(clean, 10, 64); err == nil && v >= 0 {
		*n = eventCount(v)
		return nil
	}
	v, err := strconv.ParseFloat(clean, 64)
	if err != nil || v < 0 || v > math.MaxInt64 || v != math.Trunc(v) {
		return fmt.Errorf("want a whole number of events >= 0, e.g. 2e9 or 2_000_000_000")
	}
	*n = eventCount(v)
	return nil
}

// replicationsOf is --replications, or when it is not given the
// scenario's replications, at least least.
func (sh *shared) replicationsOf(s loaded, least int) int {
	if sh.replications > 0 {
		return sh.replications
	}
	return max(s.File.Replications, least)
}

// budget refuses work estimated at more events than --max-events allows,
// saying how to lift the limit.
func (sh *shared) budget(est experiment.Estimate) error {
	if sh.maxEvents == 0 || est.Total() <= int64(sh.maxEvents) {
		return nil
	}
	if est.Overflows() {
		return fmt.Errorf("this would simulate more than %s events (%s), over the budget of %s; only --max-events 0 lifts it",
			metrics.FormatInt(est.Total()), est.Detail(), metrics.FormatInt(int64(sh.maxEvents)))
	}
	return fmt.Errorf("this would simulate about %s events (%s), over the budget of %s; lift it with --max-events %s, or --max-events 0 for no limit",
		metrics.FormatInt(est.Total()), est.Detail(), metrics.FormatInt(int64(sh.maxEvents)), liftTo(est.Total()))
}

// liftTo is a round --max-events above n: its two leading digits, rounded
// up, in e notation (26250870 → 2.7e7).
func liftTo(n int64) string {
	exp := math.Floor(math.Log10(float64(n)))
	lead := math.Ceil(float64(n)/math.Pow(10, exp-1)) / 10
	if lead >= 10 {
		lead, exp = lead/10, exp+1
	}
	return strconv.FormatFloat(lead, 'g', -1, 64) + "e" + strconv.Itoa(int(exp))
}

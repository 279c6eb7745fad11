package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"runsim/experiment"
	"runsim/metrics"
)

const validateUsage = `usage: runsim validate SCENARIO... [--set path=value]...

Checks each scenario strictly, as runsim run would, without running it:
unknown fields, bad durations and rates, values out of range, outcome
probabilities that do not sum to 1, horizons over 200 years. Each problem is
printed as FILE:LINE:COL: what is wrong. Validating builds the engine
configuration and its policies as runsim run does, so a scenario that is ok
is one run can start. Prints "SCENARIO: ok" for each good one, with the
simulated events run estimates for it (as run would, with the file's
replications), and a note when they are over the default --max-events. A folder stands for every *.yaml file below it (testdata folders
left out), as for runsim check; a folder of the library (rules,
policies) for its scenarios.

` + scenarioArg + `
Exit code 0 when every scenario is good, 2 otherwise.
`

func validateCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var sets multi
	fs.Var(&sets, "set", "")
	args, code, ok := parseFlags(fs, validateUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := failer(stderr, "validate")
	if len(args) == 0 {
		return fail("no scenarios given; see runsim help validate")
	}
	code = exitOK
	for _, arg := range args {
		files := []string{arg}
		info, err := os.Stat(arg)
		if in := libraryFolder(arg); err != nil && len(in) > 0 {
			files = in // a folder of the library
		}
		if err == nil && info.IsDir() {
			if files, err = scenarioFiles([]string{arg}); err != nil {
				fail("%v", fileError(arg, err))
				code = exitBadInput
				continue
			}
			if len(files) == 0 {
				fail("%s: no scenario files (*.yaml) in the folder", arg)
				code = exitBadInput
				continue
			}
		}
		for _, f := range files {
			s, err := (&shared{sets: sets}).load(f)
			var events int64
			if err == nil {
				events, _, err = experiment.EstimateEvents(s.Scenario)
				if err != nil {
					err = fmt.Errorf("%s: %v", f, err)
				}
			}
			if err != nil {
				fmt.Fprintf(stderr, "%v\n", err)
				code = exitBadInput
				continue
			}
			if _, err := fmt.Fprintf(stdout, "%s: ok%s\n", f, estimateNote(experiment.Estimate{
				Events: events, Replications: max(s.File.Replications, 1), Points: 1})); err != nil {
				return fail("%v", err)
			}
		}
	}
	return code
}

// estimateNote is what validate says of the work of a good scenario:
// " (about 2,070 simulated events)", and whether run would refuse it under
// the default --max-events.
func estimateNote(est experiment.Estimate) string {
	about := "about " + metrics.FormatInt(est.Total())
	if est.Overflows() {
		about = "more than " + metrics.FormatInt(est.Total())
	}
	note := " (" + about + " simulated events"
	if est.Replications > 1 {
		note += ": " + est.Detail()
	}
	if est.Total() > int64(defaultMaxEvents) {
		note += "; over the default --max-events of " + metrics.FormatInt(int64(defaultMaxEvents)) + ": run refuses it without a higher --max-events"
	}
	return note + ")"
}

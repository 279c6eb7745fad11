package main

import (
	"flag"
	"fmt"
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

// setFlags are the own flags of a command that takes --set but not the
// other shared flags (not even --seed).
type setFlags struct{ sets multi }

func (f *setFlags) declare(fs *flag.FlagSet) { fs.Var(&f.sets, "set", "") }

func validateCmd(c *call, f *setFlags) int {
	code := exitOK
	for _, arg := range c.args {
		files := []string{arg}
		info, err := os.Stat(arg)
		if in := libraryFolder(arg); err != nil && len(in) > 0 {
			files = in // a folder of the library
		}
		if err == nil && info.IsDir() {
			if files, err = scenarioFiles([]string{arg}); err != nil {
				c.fail("%v", fileError(arg, err))
				code = exitBadInput
				continue
			}
			if len(files) == 0 {
				c.fail("%s: no scenario files (*.yaml) in the folder", arg)
				code = exitBadInput
				continue
			}
		}
		for _, name := range files {
			s, err := (&shared{sets: f.sets}).load(name)
			var events int64
			if err == nil {
				events, _, err = experiment.EstimateEvents(s.Scenario)
				if err != nil {
					err = fmt.Errorf("%s: %v", name, err)
				}
			}
			if err != nil {
				fmt.Fprintf(c.stderr, "%v\n", err)
				code = exitBadInput
				continue
			}
			if _, err := fmt.Fprintf(c.stdout, "%s: ok%s\n", name, estimateNote(experiment.Estimate{
				Events: events, Replications: max(s.File.Replications, 1), Points: 1})); err != nil {
				return c.fail("%v", err)
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

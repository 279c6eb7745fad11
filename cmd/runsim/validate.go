package main

import (
	"fmt"
	"os"

	"runsim/experiment"
	"runsim/metrics"
)

// validateSpec are validate's flags: --set alone, not --seed (validating
// does not depend on it).
var validateSpec = sharedSpec{set: true}

var validateUsage = `usage: runsim validate SCENARIO... [--set path=value]...

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
flags:
` + validateSpec.help() + `
Exit code 0 when every scenario is good, 2 otherwise.
`

func validateCmd(c *call, _ *noFlags) int {
	code := exitOK
	for _, arg := range c.args {
		files, err := scenarioPaths(arg)
		if err != nil {
			c.fail("%v", err)
			code = exitBadInput
			continue
		}
		for _, name := range files {
			s, err := c.sh.load(name)
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

// scenarioPaths resolves one argument of validate or check into the
// scenarios it names: a folder stands for every *.yaml file below it
// (testdata folders left out), a folder of the library (rules, policies)
// for its scenarios; anything else is one scenario, a file or a name of
// the library, for shared.load to load or to say what it is not.
func scenarioPaths(arg string) ([]string, error) {
	info, err := os.Stat(arg)
	if in := libraryFolder(arg); err != nil && len(in) > 0 {
		return in, nil
	}
	if err != nil || !info.IsDir() {
		return []string{arg}, nil
	}
	files, err := scenarioFiles([]string{arg})
	if err != nil {
		return nil, fileError(arg, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no scenario files (*.yaml) in the folder", arg)
	}
	return files, nil
}

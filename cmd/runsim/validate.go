package main

import (
	"flag"
	"fmt"
	"io"
	"os"
)

const validateUsage = `usage: runsim validate SCENARIO... [--set path=value]...

Checks each scenario strictly, as runsim run would, without running it:
unknown fields, bad durations and rates, values out of range, outcome
probabilities that do not sum to 1, horizons over 1000 years. Each problem is
printed as FILE:LINE:COL: what is wrong. Prints "SCENARIO: ok" for each good
one. A folder stands for every *.yaml file below it (testdata folders
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
			if _, err := (&shared{sets: sets}).load(f); err != nil {
				fmt.Fprintf(stderr, "%v\n", err)
				code = exitBadInput
				continue
			}
			if _, err := fmt.Fprintf(stdout, "%s: ok\n", f); err != nil {
				return fail("%v", err)
			}
		}
	}
	return code
}

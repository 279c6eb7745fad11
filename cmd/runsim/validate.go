package main

import (
	"flag"
	"fmt"
	"io"
)

const validateUsage = `usage: runsim validate SCENARIO... [--set path=value]...

Checks each scenario strictly, as runsim run would, without running it:
unknown fields, bad durations and rates, values out of range, outcome
probabilities that do not sum to 1, horizons over 1000 years. Each problem is
printed as FILE:LINE:COL: what is wrong. Prints "SCENARIO: ok" for each good
one.

` + scenarioArg + `
Exit code 0 when every scenario is good, 2 otherwise.
`

func validateCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	var sets multi
	fs.Var(&sets, "set", "")
	files, code, ok := parseFlags(fs, validateUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fmt.Fprint(stderr, "runsim validate: no files given\n"+validateUsage)
		return exitBadInput
	}
	code = exitOK
	for _, f := range files {
		if _, err := (&shared{sets: sets}).load(f); err != nil {
			fmt.Fprintf(stderr, "%v\n", err)
			code = exitBadInput
			continue
		}
		if _, err := fmt.Fprintf(stdout, "%s: ok\n", f); err != nil {
			fmt.Fprintf(stderr, "runsim validate: %v\n", err)
			return exitBadInput
		}
	}
	return code
}

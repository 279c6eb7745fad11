package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"runsim/scenario"
)

const policiesUsage = `usage: runsim policies [FAMILY]

Lists every registered variant of each policy family (throttles, skip rules,
overlap, schedules, arrival processes, client behaviours, distributions):
its name, what it means, its options with their defaults, and an example.
A scenario selects a variant by name in the field shown beside the family.
FAMILY (e.g. throttle) lists one family only.
`

func policiesCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("policies", flag.ContinueOnError)
	names, code, ok := parseFlags(fs, policiesUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	families := scenario.Families
	if len(names) > 0 {
		families = nil
		for _, n := range names {
			found := false
			for _, f := range scenario.Families {
				if f.Name == n || strings.ReplaceAll(f.Name, " ", "-") == n {
					families, found = append(families, f), true
				}
			}
			if !found {
				var known []string
				for _, f := range scenario.Families {
					known = append(known, strings.ReplaceAll(f.Name, " ", "-"))
				}
				fmt.Fprintf(stderr, "runsim policies: unknown family %q (known: %s)\n", n, strings.Join(known, ", "))
				return exitBadInput
			}
		}
	}
	for i, f := range families {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		fmt.Fprintf(stdout, "%s (%s)\n", strings.ToUpper(f.Name), f.Field)
		for j, v := range f.Variants {
			mark := ""
			if j == 0 && f.Name != "arrival process" {
				mark = " (default)"
			}
			fmt.Fprintf(stdout, "\n  %s%s: %s\n", v.Name, mark, v.Meaning)
			tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
			for _, o := range v.Options {
				def := o.Default
				if def == "" {
					def = "required"
				}
				fmt.Fprintf(tw, "      %s\t%s\t%s\n", o.Name, def, o.Meaning)
			}
			tw.Flush()
			fmt.Fprintf(stdout, "      e.g. %s\n", v.Example)
		}
	}
	return exitOK
}

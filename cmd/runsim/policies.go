package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"runsim/internal/suggest"
	"runsim/scenario"
)

const policiesUsage = `usage: runsim policies [FAMILY...]

Lists every registered variant of each policy family (throttles, skip rules,
overlap, schedules, arrival processes, client behaviours, distributions):
its name, what it means, its options with their defaults, and an example.
A scenario selects a variant by name in the field shown beside the family;
the default variant is marked. FAMILY (e.g. throttle, skip-rule) lists one
family only; the YAML key that names it works too (skip, overlap, arrivals,
on_throttle, duration).
`

func policiesCmd(c *call, _ *noFlags) int {
	names, stdout := c.args, c.stdout
	all := scenario.Families()
	families := all
	if len(names) > 0 {
		families = nil
		for _, n := range names {
			matched := false
			for _, f := range all {
				if !slices.Contains(familyNames(f), n) {
					continue
				}
				matched = true
				if !slices.ContainsFunc(families, func(g scenario.Family) bool { return g.Name == f.Name }) {
					families = append(families, f)
				}
			}
			if !matched {
				return c.fail("%s", unknownFamily(all, n))
			}
		}
	}
	write := func(w io.Writer) error {
		for i, f := range families {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s (%s)\n", strings.ToUpper(f.Name), f.Field)
			for _, v := range f.Variants {
				mark := ""
				if v.Name == f.Default {
					mark = " (default)"
				}
				fmt.Fprintf(w, "\n  %s%s: %s\n", v.Name, mark, v.Doc)
				tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
				for _, o := range v.Options {
					fmt.Fprintf(tw, "      %s\t%s\t%s\n", o.Name, o.Default, o.Doc)
				}
				tw.Flush()
				fmt.Fprintf(w, "      e.g. %s\n", v.Example)
			}
		}
		return nil
	}
	if err := output(stdout, "", write); err != nil {
		return c.fail("writing the list: %v", err)
	}
	return exitOK
}

// familyNames are the names that select a family: its name, with dashes
// for spaces, and the YAML keys that name it.
func familyNames(f scenario.Family) []string {
	return append([]string{f.Name, strings.ReplaceAll(f.Name, " ", "-")}, f.Keys...)
}

// unknownFamily says that name is no family, lists the known ones and
// suggests the nearest name.
func unknownFamily(all []scenario.Family, name string) string {
	var known, keys []string
	for _, f := range all {
		known = append(known, strings.ReplaceAll(f.Name, " ", "-"))
		for _, k := range f.Keys {
			if !slices.Contains(keys, k) && !slices.Contains(known, k) {
				keys = append(keys, k)
			}
		}
	}
	msg := fmt.Sprintf("unknown family %q (known: %s; or a YAML key: %s)", name, strings.Join(known, ", "), strings.Join(keys, ", "))
	if hint := suggest.DidYouMean(name, append(known, keys...), nil); hint != "" {
		msg += "; " + hint
	}
	return msg
}

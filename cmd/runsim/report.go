package main

import (
	"strings"

	"runsim/reports"
	"runsim/scenario"
)

// assumptions are the policy settings in force in s, for a report.
func assumptions(s *scenario.Scenario) []reports.Assumption {
	var out []reports.Assumption
	for _, a := range s.Assumptions() {
		out = append(out, reports.Assumption{Key: a.Key, Value: a.Value})
	}
	return out
}

// newPage fills what every report page shows of a scenario and how it
// was made: the command line (the command's name and its arguments), the
// overrides, and the scenario as it ran: the file as written when nothing
// overrides it, else the document with its overrides applied.
func newPage(s loaded, file, title, command string, args []string) (reports.Page, error) {
	p := reports.Page{
		Title: title, Scenario: s.File.Name, Description: s.File.Description, File: file, Source: string(s.source),
		Seed: s.File.Seed, Version: runsimVersion(), Horizon: s.File.Horizon.String(), Assumptions: assumptions(s.Scenario),
		Command: commandLine(command, args), Overrides: s.overrides,
	}
	if len(s.overrides) > 0 {
		y, err := s.EffectiveYAML()
		if err != nil {
			return p, err
		}
		p.Source, p.Effective = string(y), true
	}
	return p, nil
}

// commandLine is "runsim COMMAND ARGS" as a POSIX shell reads it back.
func commandLine(command string, args []string) string {
	words := []string{"runsim", command}
	for _, a := range args {
		words = append(words, shellQuote(a))
	}
	return strings.Join(words, " ")
}

// shellQuote quotes a word for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,+@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

package main

import (
	"fmt"
	"path/filepath"
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

// page is the report page of the command's scenario, titled title and the
// scenario's name.
func (c *call) page(title string) (reports.Page, error) {
	return newPage(c.s, c.args[0], title+c.s.File.Name, c.name, c.line)
}

// writeReport writes the folder --report names with write, given the
// page of title that fill completes, and says where.
func (c *call) writeReport(title string, fill func(*reports.Page), write func(dir string, page reports.Page) error) error {
	page, err := c.page(title)
	if err != nil {
		return fmt.Errorf("--report: %v", err)
	}
	fill(&page)
	if err := write(c.sh.report, page); err != nil {
		return fmt.Errorf("--report: %v", reportError(c.sh.report, err))
	}
	c.wrote("the report", reportPlace(c.sh.report))
	return nil
}

// reportPlace is where a report folder was written, with the page to open.
func reportPlace(dir string) string {
	return dir + " (open " + filepath.Join(dir, "report.html") + ")"
}

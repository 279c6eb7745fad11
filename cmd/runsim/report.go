package main

import (
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

// newPage fills what every report page shows of a scenario.
func newPage(s loaded, file, title string) reports.Page {
	return reports.Page{
		Title: title, Scenario: s.File.Name, Description: s.File.Description, File: file, Source: string(s.source),
		Seed: s.File.Seed, Version: runsimVersion(), Horizon: s.File.Horizon.String(), Assumptions: assumptions(s.Scenario),
	}
}

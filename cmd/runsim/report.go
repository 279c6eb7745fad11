package main

import (
	"os"
	"runtime/debug"

	"runsim/experiment"
	"runsim/reports"
	"runsim/scenario"
)

// version is runsim's version: set with -ldflags "-X main.version=v1.2.3",
// else the module's version from the build, else "devel".
var version = ""

func runsimVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// newPage fills what every report page shows of a scenario.
func newPage(s *scenario.Scenario, file, title string) reports.Page {
	src, _ := os.ReadFile(file)
	p := reports.Page{
		Title: title, Scenario: s.File.Name, Description: s.File.Description, File: file, Source: string(src),
		Seed: s.File.Seed, Version: runsimVersion(), Horizon: s.File.Horizon.String(),
	}
	for _, a := range s.Assumptions() {
		p.Assumptions = append(p.Assumptions, reports.Assumption{Key: a.Key, Value: a.Value})
	}
	return p
}

func writeSweepReport(dir string, base *scenario.Scenario, file string, params []experiment.Param, points []experiment.Point) error {
	page := newPage(base, file, "Sweep report: "+base.File.Name)
	sw := &reports.SweepReport{}
	for _, p := range params {
		sw.Params = append(sw.Params, p.Path)
	}
	for _, pt := range points {
		sw.Points = append(sw.Points, reports.SweepPoint{Values: pt.Values, Aggregate: pt.Aggregate})
	}
	page.Sweep = sw
	return reports.WriteSweep(dir, page)
}

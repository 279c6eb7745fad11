// Package scenarios is the library of scenario files shipped with runsim,
// embedded in the binary: the documented rules, request patterns, one file
// per policy variant (policies/) and the rules suite with golden traces
// (rules/). An installed runsim runs them by name:
//
//	runsim run documented
//	runsim check rules
//
// The format of the files is package scenario's.
package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"runsim/scenario"
)

// FS holds the library's files: scenario files (*.yaml), the golden traces
// beside them (*.trace) and the files they name (replay logs).
//
//go:embed *.yaml policies rules
var FS embed.FS

// Names returns the name of every scenario in the library, sorted: its path
// in FS without the .yaml suffix, e.g. "documented" or
// "policies/throttle-gcra".
func Names() []string {
	var names []string
	_ = fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) == ".yaml" {
			names = append(names, strings.TrimSuffix(p, ".yaml"))
		}
		return err
	})
	slices.Sort(names)
	return names
}

// Has reports whether name is a scenario of the library.
func Has(name string) bool {
	_, found := slices.BinarySearch(Names(), name)
	return found
}

// Load loads the library's scenario called name, with overrides.
func Load(name string, overrides ...string) (*scenario.Scenario, error) {
	if !Has(name) {
		return nil, fmt.Errorf("scenarios: no scenario %q in the library (known: %s)", name, strings.Join(Names(), ", "))
	}
	return scenario.LoadFS(FS, name+".yaml", overrides...)
}

package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// version is runsim's version when set at link time, with -ldflags
// "-X main.version=v1.2.3"; else the build info's module version is used.
var version = ""

const versionUsage = `usage: runsim version

Prints runsim's version (the module's version, or "devel" for a build from
a work tree), the VCS revision it was built from with its time and
whether the tree had changes, and the Go version. runsim --version and
runsim -v print the same. Every report carries the version and revision.
`

func versionCmd(c *call, _ *noFlags) int {
	if _, err := fmt.Fprintf(c.stdout, "runsim %s %s/%s\n", runsimVersion(), runtime.GOOS, runtime.GOARCH); err != nil {
		return c.fail("%v", err)
	}
	return exitOK
}

// runsimVersion is the version and revision of this binary, as reports
// print it.
func runsimVersion() string {
	bi, _ := debug.ReadBuildInfo()
	return describeBuild(bi, version)
}

// describeBuild writes a build's version for people: "v1.2.0", or
// "devel", then the revision when the build recorded one, "(revision
// 4cd2440c1f3a, 2026-11-23T16:32:26Z, modified)", then the Go version.
// linked, when set, is the version given at link time.
func describeBuild(bi *debug.BuildInfo, linked string) string {
	v := linked
	if v == "" && bi != nil && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v = bi.Main.Version
	}
	if v == "" {
		v = "devel"
	}
	if bi == nil {
		return v
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		parts := []string{"revision " + rev}
		if at != "" {
			parts = append(parts, at)
		}
		if modified {
			parts = append(parts, "modified")
		}
		v += " (" + strings.Join(parts, ", ") + ")"
	}
	if bi.GoVersion != "" {
		v += " " + bi.GoVersion
	}
	return v
}

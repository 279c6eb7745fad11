package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"runsim/reports"
)

// mergeSpec are merge's shared flags: --report, as sweep's.
var mergeSpec = sharedSpec{report: "the sweep's report (report.html, report.md, summary.json and a chart per key metric), as runsim sweep --report does"}

var mergeUsage = `usage: runsim merge SHARD... [--out FILE] [--report DIR]

Puts the shards of a sweep, written by runsim sweep --shard K/N, together
and writes exactly what the sweep would have written unsharded: the same
bytes, CSV or JSON as the shards were written. A SHARD is a file, or a
folder whose every file (hidden ones aside) is a shard.

Every shard must belong to the same sweep (the same scenario after its
overrides, grid, replications, seed and runsim build, as its header says),
each of the N shards given once, and each whole. Otherwise merge says what
is wrong and writes nothing (exit 2).

flags:
  --out FILE           write there instead of standard output (whole or not
                       at all)
` + mergeSpec.help() + `
example:
  runsim merge shards/ --out sweep.csv --report out/sweep
`

// mergeFlags are runsim merge's own flags.
type mergeFlags struct{ out string }

func (f *mergeFlags) declare(fs *flag.FlagSet) { fs.StringVar(&f.out, "out", "", "") }

func mergeCmd(c *call, f *mergeFlags) int {
	files, err := shardFiles(c.args)
	if err != nil {
		return c.fail("%v", err)
	}
	var shards []*reports.ShardFile
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return c.fail("%v", err)
		}
		sf, err := reports.ReadShard(name, data)
		if err != nil {
			return c.fail("%v", err)
		}
		shards = append(shards, sf)
	}
	sw, h, err := reports.MergeShards(shards)
	if err != nil {
		return c.fail("%v", err)
	}
	write := sw.WriteCSV
	if shards[0].Format == "json" {
		write = sw.WriteJSON
	}
	if err := output(c.stdout, f.out, write); err != nil {
		return c.fail("writing the sweep: %v", err)
	}
	if c.sh.report != "" {
		page := h.Page.ReportPage()
		page.Command = commandLine(c.name, c.line)
		page.Sweep = sw
		if err := reports.WriteSweep(c.sh.report, page); err != nil {
			return c.fail("--report: %v", reportError(c.sh.report, err))
		}
	}
	return exitOK
}

// shardFiles lists the files named: a file as given, a folder as its
// files in name order (hidden ones, such as unfinished writes, left out).
func shardFiles(paths []string) ([]string, error) {
	return filesIn(paths, func(dir string) ([]string, error) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		var files []string
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), ".") && !e.IsDir() {
				files = append(files, filepath.Join(dir, e.Name()))
			}
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no shards in the folder", dir)
		}
		return files, nil
	})
}

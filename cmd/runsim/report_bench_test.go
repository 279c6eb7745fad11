package main

import (
	"io"
	"io/fs"
	"path/filepath"
	"testing"
)

// BenchmarkReportHeavy runs bench/heavy.yaml with --report for 1 and 10
// simulated years: the report must stay a few MB whatever the horizon
// (report-MB) and add seconds at most to the run (compare with
// BenchmarkRunHeavy).
//
//	go test ./cmd/runsim -run '^$' -bench 'Heavy' -benchtime 1x
func BenchmarkReportHeavy(b *testing.B) {
	for _, horizon := range []string{"1y", "10y"} {
		b.Run(horizon, func(b *testing.B) {
			var size int64
			for b.Loop() {
				dir := filepath.Join(b.TempDir(), "report")
				if code := cli([]string{"run", "../../bench/heavy.yaml", "--set", "horizon=" + horizon, "--quiet", "--report", dir}, io.Discard, io.Discard); code != 0 {
					b.Fatalf("exit %d", code)
				}
				size = folderSize(b, dir)
			}
			b.ReportMetric(float64(size)/1e6, "report-MB")
		})
	}
}

// BenchmarkRunHeavy is BenchmarkReportHeavy's run without the report.
func BenchmarkRunHeavy(b *testing.B) {
	for _, horizon := range []string{"1y", "10y"} {
		b.Run(horizon, func(b *testing.B) {
			for b.Loop() {
				if code := cli([]string{"run", "../../bench/heavy.yaml", "--set", "horizon=" + horizon, "--quiet"}, io.Discard, io.Discard); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

func folderSize(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		n += info.Size()
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

package main

import (
	"encoding/json"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, errOut := runsim("run", documented, "--replications", "5", "--report", dir)
	require.Equal(t, 0, code, errOut)
	for _, f := range []string{"report.html", "report.md", "summary.json", "timeline.png", "timeline.svg", "timeline.csv",
		"freshness.png", "freshness.csv", "occupancy.png", "occupancy.csv", "cumulative.png", "cumulative.csv"} {
		assert.FileExists(t, filepath.Join(dir, f))
	}
	doc := read(t, filepath.Join(dir, "report.html"))
	ids := htmlIDs(t, doc)
	for _, id := range []string{"summary", "charts", "assumptions", "scenario", "chart-timeline", "chart-freshness", "chart-occupancy", "chart-cumulative"} {
		assert.True(t, ids[id], "report.html has no #%s", id)
	}
	assert.Equal(t, 4, strings.Count(doc, "<svg"), "charts are inline SVG")
	assert.NotContains(t, doc, `src="`, "self-contained: nothing loaded from elsewhere")
	for _, want := range []string{"seed 1", "runsim devel", "Over 5 replication(s)", "95% confidence interval", "sliding log: at most 5 in any 12h", "name: documented"} {
		assert.Contains(t, doc, want)
	}
	md := read(t, filepath.Join(dir, "report.md"))
	assert.Contains(t, md, "![Runs and refusals](timeline.png)")
	var js map[string]any
	js1 := read(t, filepath.Join(dir, "summary.json"))
	require.NoError(t, json.Unmarshal([]byte(js1), &js))
	assert.Contains(t, js, "aggregate")

	// The same input gives the same report, byte for byte.
	dir2 := filepath.Join(t.TempDir(), "report")
	runsim("run", documented, "--replications", "5", "--report", dir2, "--workers", "1")
	doc2 := read(t, filepath.Join(dir2, "report.html"))
	assert.Contains(t, doc2, "<pre class=\"cmd\">runsim run "+documented+" --replications 5 --report "+dir2+" --workers 1</pre>", "the command line is recorded")
	assert.Equal(t, withoutCommand(doc), withoutCommand(doc2), "the same but for the command line")
}

func TestSweepReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "sweep")
	code, _, errOut := runsim("sweep", documented, "--param", "service.throttle.limit=2:5:1", "--replications", "4", "--quiet",
		"--report", dir, "--out", filepath.Join(dir+".csv"))
	require.Equal(t, 0, code, errOut)
	doc := read(t, filepath.Join(dir, "report.html"))
	ids := htmlIDs(t, doc)
	for _, id := range []string{"sweep", "charts", "assumptions", "scenario", "chart-sweep-throttled_fraction", "chart-sweep-freshness_p95"} {
		assert.True(t, ids[id], "report.html has no #%s", id)
	}
	rows := readLines(t, filepath.Join(dir, "sweep-throttled_fraction.csv"))
	assert.Len(t, rows, 1+4, "a row per point")
}

// TestReportScreenshot renders report.html in headless Chromium, as a
// person would see it. .ci/run installs Chromium from Debian's packages.
// requireChromium fails the test where Chromium must be present: in CI
// (CI=true, as .ci/run and most CI services set it), where a silent skip
// would hide that the report was never rendered.
func requireChromium(t testing.TB, getenv func(string) string) {
	t.Helper()
	if ci, _ := strconv.ParseBool(getenv("CI")); ci {
		t.Fatal("CI is set and chromium is not installed: the report screenshot cannot be taken (apt-get install chromium)")
	}
}

// TestRequireChromium: in CI a missing Chromium is a failure, elsewhere a
// skip.
func TestRequireChromium(t *testing.T) {
	tests := []struct {
		name   string
		ci     string
		failed bool
	}{
		{name: "CI=true", ci: "true", failed: true},
		{name: "CI=1", ci: "1", failed: true},
		{name: "not CI", ci: "", failed: false},
		{name: "CI=false", ci: "false", failed: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &fatalRecorder{TB: t}
			func() {
				defer func() { recover() }()
				requireChromium(rec, func(string) string { return tc.ci })
			}()
			assert.Equal(t, tc.failed, rec.failed)
		})
	}
}

// fatalRecorder records Fatal instead of ending the test.
type fatalRecorder struct {
	testing.TB
	failed bool
}

func (r *fatalRecorder) Fatal(args ...any) { r.failed = true; panic("fatal") }

func TestReportScreenshot(t *testing.T) {
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		requireChromium(t, os.Getenv)
		t.Skip("chromium is not installed (apt-get install chromium); the report screenshot is not taken")
	}
	dir := t.TempDir()
	code, _, errOut := runsim("run", documented, "--report", dir)
	require.Equal(t, 0, code, errOut)
	shot := filepath.Join(dir, "screenshot.png")
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--window-size=1100,1600", "--screenshot="+shot,
		"file://"+filepath.Join(dir, "report.html"))
	done := make(chan error, 1)
	go func() { done <- cmd.Run() }()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatal("chromium did not finish in 90s")
	}
	f, err := os.Open(shot)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	assert.Equal(t, 1100, img.Bounds().Dx())
	// Not a blank page: the header band is dark blue, the page light.
	r, g, b, _ := img.At(20, 20).RGBA()
	assert.Less(t, r, g, "the header is blue")
	assert.Less(t, g, b, "the header is blue")
}

func TestCompareReport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cmp")
	code, _, errOut := runsim("compare", "../../scenarios/compare-readings.yaml", "--set", "horizon=3d", "--report", dir)
	require.Equal(t, 0, code, errOut)
	doc := read(t, filepath.Join(dir, "report.html"))
	ids := htmlIDs(t, doc)
	for _, id := range []string{"comparison", "charts", "assumptions", "scenario", "chart-compare-throttled_fraction"} {
		assert.True(t, ids[id], "report.html has no #%s", id)
	}
	rows := readLines(t, filepath.Join(dir, "compare-throttled_fraction.csv"))
	assert.Equal(t, "variant,throttled_fraction", rows[0])
	assert.Len(t, rows, 1+9, "the baseline and eight variants")
	assert.True(t, strings.HasPrefix(rows[1], "baseline,"))
	assert.Contains(t, doc, "token-bucket: what differs from baseline")
	js := read(t, filepath.Join(dir, "summary.json"))
	_, out, _ := runsim("compare", "../../scenarios/compare-readings.yaml", "--set", "horizon=3d", "--format", "json")
	assert.Equal(t, out, js, "summary.json is the JSON output")
}

// TestReportRecordsHowItWasMade: a report made with --set and --seed says
// so, and the scenario it shows is the one that ran.
func TestReportRecordsHowItWasMade(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
		not  []string
	}{
		{
			name: "run",
			args: []string{"run", documented, "--seed", "7", "--set", "service.skip.kind=none"},
			want: []string{"seed 7", "seed: 7 # --set seed=7", "kind: none # --set service.skip.kind=none", "<code>service.skip.kind=none</code>", "<code>seed=7</code>",
				"with the 2 override(s) above applied", "--seed 7 --set service.skip.kind=none"},
			not: []string{"seed: 1", "next-within"},
		},
		{
			name: "compare",
			args: []string{"compare", documented, "--set", "horizon=3d", "--variant", "b=service.throttle.limit=6"},
			want: []string{"horizon: 3d # --set horizon=3d", "<code>horizon=3d</code>", "--variant b=service.throttle.limit=6"},
		},
		{
			name: "sweep",
			args: []string{"sweep", documented, "--set", "horizon=2d", "--param", "service.throttle.limit=4,5", "--replications", "2", "--quiet"},
			want: []string{"horizon: 2d # --set horizon=2d", "--param service.throttle.limit=4,5"},
		},
		{
			name: "no overrides: the file as written",
			args: []string{"run", documented},
			want: []string{"nothing overrides it", "# The rules as documented"},
			not:  []string{"Overrides, in order"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "report")
			code, _, errOut := runsim(append(tc.args, "--report", dir)...)
			require.Equal(t, exitOK, code, errOut)
			for _, page := range []string{"report.html", "report.md"} {
				doc := read(t, filepath.Join(dir, page))
				text := strings.ReplaceAll(strings.ReplaceAll(doc, "`", ""), "&#39;", "'")
				for _, w := range tc.want {
					w = strings.NewReplacer("<code>", "", "</code>", "").Replace(w)
					assert.Contains(t, text, w, page)
				}
				for _, n := range tc.not {
					assert.NotContains(t, text, n, page)
				}
			}
		})
	}
}

// TestReportReplacesTheOlderOne: a report folder is written whole: no
// stale file of an older report survives, and a folder runsim did not
// write is refused and left alone.
func TestReportReplacesTheOlderOne(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "report")
	code, _, errOut := runsim("run", documented, "--report", dir)
	require.Equal(t, exitOK, code, errOut)
	stale := filepath.Join(dir, "compare-throttled_fraction.csv")
	write(t, stale, "old")
	code, _, errOut = runsim("compare", documented, "--variant", "b=service.throttle.limit=6", "--report", dir)
	require.Equal(t, exitOK, code, errOut)
	code, _, errOut = runsim("run", documented, "--report", dir)
	require.Equal(t, exitOK, code, errOut)
	assert.NoFileExists(t, stale)
	assert.FileExists(t, filepath.Join(dir, "timeline.csv"))
	siblings, err := os.ReadDir(filepath.Dir(dir))
	require.NoError(t, err)
	assert.Len(t, siblings, 1, "no temporary folder left beside it")

	mine := t.TempDir()
	write(t, filepath.Join(mine, "notes.txt"), "mine")
	code, _, errOut = runsim("run", documented, "--report", mine)
	assert.Equal(t, exitBadInput, code)
	assert.Contains(t, errOut, "the folder holds files runsim did not write")
	assert.FileExists(t, filepath.Join(mine, "notes.txt"))
}

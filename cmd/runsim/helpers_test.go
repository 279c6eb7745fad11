package main

import (
	"bytes"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"runsim/metrics"
)

// The helpers the tests of runsim's commands share.

// slidingTwoHours: a throttle of 5 in a 2h window and a client every 20
// minutes.
const slidingTwoHours = `name: sliding-2h
start: 2025-01-06T00:00:00Z
horizon: 3d
seed: 3
service:
  throttle: {kind: sliding, limit: 5, window: 2h}
clients:
  - {name: tool, arrivals: {periodic: {every: 20m}}}
`

const documented = "../../scenarios/documented.yaml"

// runsim runs the command line args in-process.
func runsim(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// refusal is a command line runsim refuses, and what it says.
type refusal struct {
	name string
	args []string
	want string // standard error, whole
}

// testRefusals runs each command line: exit 2, nothing on standard
// output, and exactly want on standard error.
func testRefusals(t *testing.T, tests []refusal) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim(tc.args...)
			assert.Equal(t, exitBadInput, code)
			assert.Empty(t, out)
			assert.Equal(t, tc.want, errOut)
		})
	}
}

// failing is an output that cannot be written, as /dev/full.
type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

// writeScenario writes text to a scenario file of its own.
func writeScenario(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.yaml")
	write(t, path, text)
	return path
}

// write writes text to the file at path.
func write(t *testing.T, path, text string) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
}

// read is the text of the file at path.
func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// readLines is the lines of the file at path, without the last newline.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	return strings.Split(strings.TrimSpace(read(t, path)), "\n")
}

// names are the names of what the folder dir holds, in order.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = e.Name()
	}
	return out
}

func mkdir(t *testing.T, parent, name string) string {
	t.Helper()
	p := filepath.Join(parent, name)
	require.NoError(t, os.Mkdir(p, 0o777))
	return p
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./cmd/runsim -update to create it")
	assert.Equal(t, string(want), got)
}

// documentedEvents is the events of documented.yaml's first replication,
// as its golden trace has them, one a line.
func documentedEvents(t *testing.T) int {
	t.Helper()
	return strings.Count(documentedTrace(t), "\n")
}

// documentedTrace is documented.yaml's golden trace.
func documentedTrace(t *testing.T) string {
	t.Helper()
	return read(t, "../../scenarios/testdata/documented.trace")
}

// lineCol is the line and column of the first at in text, from 1.
func lineCol(text, at string) (int, int) {
	k := strings.Index(text, at)
	return strings.Count(text[:k], "\n") + 1, k - strings.LastIndex(text[:k], "\n")
}

// metricRows is the rows of a table with a row per point (of a sweep, or
// variant of a comparison) and metric, as CSV outputs and shards have
// below their header.
func metricRows(points int) int { return points * len(metrics.All()) }

// compareJSON is runsim compare's JSON output, as the tests read it.
type compareJSON struct {
	Scenario     string
	Replications int
	Variants     []struct {
		Name        string
		Metrics     map[string]float64
		Difference  map[string]float64
		Assumptions map[string]string `json:"assumptions_changed"`
		Intervals   map[string]struct {
			Mean float64
			Low  float64 `json:"ci95_low"`
			High float64 `json:"ci95_high"`
			N    int
		}
	}
}

// junitDoc is the JUnit XML runsim check --junit writes, as the tests
// read it.
type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Type    string `xml:"type,attr"`
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, path string) junitDoc {
	t.Helper()
	var doc junitDoc
	require.NoError(t, xml.Unmarshal([]byte(read(t, path)), &doc))
	return doc
}

// htmlIDs parses an HTML document and returns the ids of its elements.
func htmlIDs(t *testing.T, doc string) map[string]bool {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	require.NoError(t, err)
	ids := map[string]bool{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "id" {
				ids[a.Val] = true
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(root)
	return ids
}

// TestMain runs runsim's main in a process of its own when the test binary
// is started by the tests below with RUNSIM_MAIN_PROCESS=1 and runsim's
// arguments after "--"; otherwise it runs the tests.
func TestMain(m *testing.M) {
	if os.Getenv("RUNSIM_MAIN_PROCESS") != "1" {
		os.Exit(m.Run())
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	os.Args = append([]string{"runsim"}, args...)
	main()
}

// startMain starts runsim as a process of its own with args. Its standard
// error goes to a file, which errText reads while the process writes it.
func startMain(t *testing.T, args ...string) (cmd *exec.Cmd, errText func() string) {
	t.Helper()
	cmd = exec.Command(os.Args[0], append([]string{"--"}, args...)...)
	cmd.Env = append(os.Environ(), "RUNSIM_MAIN_PROCESS=1")
	stderr, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	require.NoError(t, err)
	t.Cleanup(func() { stderr.Close() })
	cmd.Stderr = stderr
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { cmd.Process.Kill() })
	return cmd, func() string { b, _ := os.ReadFile(stderr.Name()); return string(b) }
}

// waitUntil waits, a minute at most, until ready, else fails saying what
// never happened and what the process wrote to standard error.
func waitUntil(t *testing.T, never string, errText func() string, ready func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ready() {
		if !time.Now().Before(deadline) {
			t.Fatalf("%s; stderr: %s", never, errText())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// commandLines are the command line in report.html and report.md.
var commandLines = regexp.MustCompile("(<pre class=\"cmd\">|```sh\n)runsim [^\n<]*")

// withoutCommand is a report page without its command line, which names
// the folders and flags of the run that wrote it.
func withoutCommand(page string) string {
	return commandLines.ReplaceAllString(page, "${1}runsim ...")
}

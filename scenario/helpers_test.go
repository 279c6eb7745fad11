package scenario

import (
	"bytes"
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"runsim/internal/simtest"
	"runsim/sim"
)

// The fixtures the tests of this package share.

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// good is a valid scenario the tests change one thing in (replace).
var good = simtest.Scenario("t", "2d") + `service:
  throttle: {limit: 5, window: 12h}
  run:
    duration: {dist: lognormal, median: 110m, sigma: 0.3}
    outcomes: {completed: 0.95, failed: 0.05}
clients:
  - name: admin
    arrivals: {poisson: {rate: 0.5/h}}
`

// variantBase is the head of the scenarios that try one variant.
var variantBase = simtest.Scenario("v", "3d")

// replayScenario is a client replaying the file named in place of %s.
var replayScenario = simtest.Scenario("replay", "1d") + `clients:
  - name: sis-sync
    arrivals: {replay: {file: %s}}
`

func replace(s, old, new string) string {
	out := bytes.Replace([]byte(s), []byte(old), []byte(new), 1)
	if bytes.Equal(out, []byte(s)) {
		panic("replace: " + old + " not found")
	}
	return string(out)
}

// builtFile is a File built in Go: the defaults, named built, over the day
// from simtest.T0.
func builtFile() File {
	f := Default()
	f.Name = "built"
	start := Instant{simtest.T0}
	horizon := Horizon(24 * 3600 * 1000)
	f.Start, f.Horizon = &start, &horizon
	return f
}

func config(t *testing.T, s *Scenario) sim.Config {
	t.Helper()
	cfg, err := s.Config()
	require.NoError(t, err)
	return cfg
}

// shipped lists the scenarios of the library's top folder.
func shipped(t testing.TB) []string {
	files, err := filepath.Glob("../scenarios/*.yaml")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 5)
	return files
}

func trace(t *testing.T, s *Scenario) []byte {
	var buf bytes.Buffer
	w := sim.NewTraceWriter(&buf, sim.TraceText)
	_, err := sim.Run(config(t, s), w)
	require.NoError(t, err)
	require.NoError(t, w.Flush())
	return buf.Bytes()
}

func ptr[T any](v T) *T { return &v }

// positionOf is the 1-based line and column of the first occurrence of at.
func positionOf(t testing.TB, text, at string) (int, int) {
	i := strings.Index(text, at)
	require.GreaterOrEqual(t, i, 0, "%q not in the YAML", at)
	return lineCol(text, i)
}

// lastPositionOf is the 1-based line and column of the last occurrence of
// at.
func lastPositionOf(t testing.TB, text, at string) (int, int) {
	i := strings.LastIndex(text, at)
	require.GreaterOrEqual(t, i, 0, "%q not in the YAML", at)
	return lineCol(text, i)
}

// lineCol is the 1-based line and column of the byte at i of text.
func lineCol(text string, i int) (int, int) {
	return strings.Count(text[:i], "\n") + 1, i - strings.LastIndex(text[:i], "\n")
}

// known is a list of names as the errors give it.
func known(names []string) string { return strings.Join(names, ", ") }

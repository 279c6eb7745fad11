package check

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"

	"runsim/sim"
)

// goldenName is the golden trace of a scenario file: X.yaml → X.trace.
func goldenName(path string) string {
	return strings.TrimSuffix(path, ".yaml") + ".trace"
}

// golden compares the trace, line by line, with a golden file, and keeps
// the first difference with the lines around it.
type golden struct {
	path    string
	want    []string
	line    int // lines seen
	ring    [contextBefore]string
	diff    *Failure
	after   int // lines of context still to add after the difference
	gotLine []byte
}

func loadGolden(path string) (*golden, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var want []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	return &golden{path: path, want: want}, sc.Err()
}

func (g *golden) Observe(e *sim.Event) {
	if e.Kind.Measurement() {
		return // not a trace line
	}
	g.gotLine = e.AppendText(g.gotLine[:0])
	got := string(g.gotLine)
	i := g.line
	g.line++
	switch {
	case g.diff != nil:
		if g.after > 0 {
			g.diff.Context = append(g.diff.Context, fmt.Sprintf("  %5d  %s", i+1, got))
			g.after--
		}
		return
	case i >= len(g.want):
		g.fail(i, got, "(the golden trace has ended)")
	case got != g.want[i]:
		g.fail(i, got, g.want[i])
	}
	g.ring[i%contextBefore] = got
}

func (g *golden) fail(i int, got, want string) {
	g.diff = &Failure{
		Expectation: "golden trace " + g.path,
		Expected:    fmt.Sprintf("line %d to be %q", i+1, want),
		Got:         fmt.Sprintf("%q", got),
	}
	for j := max(0, i-contextBefore); j < i; j++ {
		g.diff.Context = append(g.diff.Context, fmt.Sprintf("  %5d  %s", j+1, g.ring[j%contextBefore]))
	}
	g.diff.Context = append(g.diff.Context, fmt.Sprintf("> %5d  %s", i+1, got), fmt.Sprintf("  %5s  (golden: %s)", "", want))
	g.after = contextAfter
}

func (g *golden) finish() *Failure {
	if g.diff == nil && g.line < len(g.want) {
		g.diff = &Failure{
			Expectation: "golden trace " + g.path,
			Expected:    fmt.Sprintf("%d lines", len(g.want)),
			Got:         fmt.Sprintf("the trace ended after %d; the golden trace goes on with %q", g.line, g.want[g.line]),
		}
	}
	return g.diff
}

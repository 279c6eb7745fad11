package metrics

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/sim"
)

// recorder is a measurement that keeps the kinds it was given.
type recorder struct{ kinds *[]sim.Kind }

func (r recorder) observe(e *sim.Event)       { *r.kinds = append(*r.kinds, e.Kind) }
func (r recorder) summarise(*Summary, *tally) {}

func metricNamed(name string) Metric {
	return Metric{name, Count, name, "a test metric", func(Summary) float64 { return 0 }}
}

// TestDeclareRefusesWhatIsAmbiguous: a name or a rank declared twice, or a
// metric without its title, doc or value, stops the program at start.
func TestDeclareRefusesWhatIsAmbiguous(t *testing.T) {
	tests := map[string]struct {
		rank    int
		measure *measure
		metrics []Metric
		panic   string
	}{
		"name twice in the table": {rank: 200, metrics: []Metric{metricNamed("a")},
			panic: "metrics: metric a declared twice"},
		"name twice in a declaration": {rank: 200, metrics: []Metric{metricNamed("b"), metricNamed("b")},
			panic: "metrics: metric b declared twice"},
		"rank twice": {rank: 100, metrics: []Metric{metricNamed("c")},
			panic: "metrics: rank 100 declared twice (a and c)"},
		"no metric": {rank: 200, panic: "metrics: declaration at rank 200 has no metric"},
		"no doc": {rank: 200, metrics: []Metric{{Name: "d", Title: "d", Value: func(Summary) float64 { return 0 }}},
			panic: "metrics: metric d lacks a title, a doc or a value"},
		"no name": {rank: 200, metrics: []Metric{{}}, panic: "metrics: a metric has no name"},
		"a measurement that cannot start": {rank: 200, measure: &measure{kinds: []sim.Kind{sim.Throttled}},
			metrics: []Metric{metricNamed("e")}, panic: "metrics: the measurement of e cannot start"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var r registry
			r.add(100, nil, metricNamed("a"))
			assert.PanicsWithValue(t, tc.panic, func() { r.add(tc.rank, tc.measure, tc.metrics...) })
		})
	}
}

// TestTheTableHasNoDuplicates: the package's own declarations passed the
// checks above (or the test binary would not have started), and every
// metric is in the index under its position.
func TestTheTableHasNoDuplicates(t *testing.T) {
	require.Len(t, index, len(table))
	for i, m := range table {
		assert.Equal(t, i, index[m.Name], m.Name)
		assert.Equal(t, m.Name, MetricNames[i])
	}
}

// TestRankOrdersTheTable: declarations are listed by rank, whatever the
// order they were made in, each one's metrics in their given order.
func TestRankOrdersTheTable(t *testing.T) {
	var r registry
	r.add(300, nil, metricNamed("c1"), metricNamed("c2"))
	r.add(100, nil, metricNamed("a1"))
	r.add(200, nil, metricNamed("b1"), metricNamed("b2"))
	assert.Equal(t, []string{"a1", "b1", "b2", "c1", "c2"}, r.names)
	assert.Equal(t, map[string]int{"a1": 0, "b1": 1, "b2": 2, "c1": 3, "c2": 4}, r.index)
}

// TestCollectorDispatchesByKind: a measurement is given the events of the
// kinds it reads, in order, and no others; one that reads first attempts
// only is not given retries; every event is in the tally.
func TestCollectorDispatchesByKind(t *testing.T) {
	var r registry
	var first, second []sim.Kind
	r.add(100, &measure{kinds: []sim.Kind{sim.Throttled, sim.SlotsChanged},
		start: func(time.Time, time.Time, time.Time) measurement { return recorder{&first} }}, metricNamed("a"))
	r.add(200, nil, metricNamed("derived"))
	r.add(300, &measure{kinds: []sim.Kind{sim.Throttled}, firsts: []sim.Kind{sim.RequestArrived},
		start: func(time.Time, time.Time, time.Time) measurement { return recorder{&second} }}, metricNamed("b"))
	c := r.newCollector(t0, 0, t0.Add(time.Hour))
	for _, k := range append(sim.Kinds(), sim.SlotsChanged, sim.Throttled, sim.Kind(200)) {
		c.Observe(&sim.Event{Kind: k})
	}
	c.Observe(&sim.Event{Kind: sim.RequestArrived, Attempt: 2})
	c.Observe(&sim.Event{Kind: sim.Throttled, Attempt: 2})
	assert.Equal(t, []sim.Kind{sim.Throttled, sim.SlotsChanged, sim.Throttled, sim.Throttled}, first)
	assert.Equal(t, []sim.Kind{sim.RequestArrived, sim.Throttled, sim.Throttled, sim.Throttled}, second,
		"the retry of a request is not given to a reader of first attempts")
	for k, want := range map[sim.Kind]struct{ all, retries int }{
		sim.RequestArrived: {2, 1}, sim.Throttled: {3, 1}, sim.Conflict: {1, 0}, sim.Kind(200): {1, 0},
	} {
		assert.Equal(t, want.all, c.kinds[k].n, "%v", k)
		assert.Equal(t, want.retries, c.kinds[k].retries, "%v", k)
	}
}

var update = flag.Bool("update", false, "rewrite README's metric table")

// TestREADMEMetricTable: README's metric table lists every metric, in the
// order outputs list them, row for row; go test ./metrics -update rewrites
// it.
func TestREADMEMetricTable(t *testing.T) {
	const path = "../README.md"
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(data)
	const header = "| name | JSON/CSV key | kind | what is measured |\n|---|---|---|---|\n"
	i := strings.Index(readme, header)
	require.GreaterOrEqual(t, i, 0, "README.md lacks the metric table")
	i += len(header)
	j := i + strings.Index(readme[i:], "\n\n") + 1
	var want strings.Builder
	for _, m := range All() {
		fmt.Fprintf(&want, "| `%s` | `%s` | %s | %s |\n", m.Name, m.Key(), m.Kind, m.Doc)
	}
	if *update {
		readme = readme[:i] + want.String() + readme[j:]
		require.NoError(t, os.WriteFile(path, []byte(readme), 0o644))
		j = i + len(want.String())
	}
	assert.Equal(t, want.String(), readme[i:j], "README's metric table is out of date: run go test ./metrics -update")
}

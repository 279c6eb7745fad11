package reports

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/metrics"
)

// awkward are intervals whose numbers do not survive 10 significant
// digits, over n replications (with n = 1, no interval: NaN bounds).
func awkward(seed float64, n int) Intervals {
	ivs := Intervals{}
	for i, m := range metrics.All() {
		x := seed + float64(i)
		ivs[m.Name] = metrics.Interval{Mean: x/3 + 0.1 + 0.2, Low: x / 7 * 1e-300, High: math.Nextafter(x, math.Inf(1)), N: n}
		if n == 1 {
			ivs[m.Name] = metrics.Interval{Mean: x/3 + 0.1 + 0.2, Low: math.NaN(), High: math.NaN(), N: 1}
		}
	}
	return ivs
}

// TestShardRoundTrip: points written to shards and read back give the
// same CSV and JSON as the points themselves, for numbers that need all
// 17 digits, with one replication per point (no interval) or more.
func TestShardRoundTrip(t *testing.T) {
	for _, reps := range []int{1, 3} {
		t.Run(fmt.Sprintf("replications=%d", reps), func(t *testing.T) { shardRoundTrip(t, reps) })
	}
}

func shardRoundTrip(t *testing.T, reps int) {
	whole := &SweepReport{Params: []string{"a", "b"}}
	var ps []ShardParam
	ps = append(ps, ShardParam{Path: "a", Values: []string{"1", "2", "3"}}, ShardParam{Path: "b", Values: []string{"x", "y"}})
	for i, a := range ps[0].Values {
		for j, b := range ps[1].Values {
			whole.Points = append(whole.Points, SweepPoint{Values: []string{a, b}, Aggregate: awkward(float64(10*i+j), reps)})
		}
	}
	for _, format := range []string{"csv", "json"} {
		for _, n := range []int{1, 4, 8} {
			t.Run(fmt.Sprintf("%s/N=%d", format, n), func(t *testing.T) {
				var shards []*ShardFile
				for k := n; k >= 1; k-- { // any order
					part := &SweepReport{Params: whole.Params}
					for i := k - 1; i < len(whole.Points); i += n {
						part.Points = append(part.Points, whole.Points[i])
					}
					h := ShardHeader{Sweep: "f00d", Shard: k, Of: n, GridPoints: 6, Params: ps, Replications: reps, Version: "test"}
					var buf bytes.Buffer
					write := part.WriteShardCSV
					if format == "json" {
						write = part.WriteShardJSON
					}
					require.NoError(t, write(&buf, h))
					sf, err := ReadShard(fmt.Sprintf("s%d", k), buf.Bytes())
					require.NoError(t, err)
					assert.Equal(t, format, sf.Format)
					shards = append(shards, sf)
				}
				merged, h, err := MergeShards(shards)
				require.NoError(t, err)
				assert.Equal(t, 6, h.Points)
				for _, w := range []func(*SweepReport, *bytes.Buffer) error{
					func(sw *SweepReport, b *bytes.Buffer) error { return sw.WriteCSV(b) },
					func(sw *SweepReport, b *bytes.Buffer) error { return sw.WriteJSON(b) },
				} {
					var want, got bytes.Buffer
					require.NoError(t, w(whole, &want))
					require.NoError(t, w(merged, &got))
					assert.Equal(t, want.String(), got.String())
				}
			})
		}
	}
}

func TestReadShardRefusesABadHeader(t *testing.T) {
	ps := []ShardParam{{Path: "a", Values: []string{"1", "2", "3"}}}
	tests := []struct {
		name string
		h    ShardHeader
		err  string
	}{
		{name: "shard past N", h: ShardHeader{Sweep: "f", Shard: 3, Of: 2, GridPoints: 3, Params: ps}, err: "s: the shard header is incomplete"},
		{name: "wrong grid size", h: ShardHeader{Sweep: "f", Shard: 1, Of: 2, GridPoints: 4, Params: ps}, err: "s: the shard header's grid has 3 points, not 4"},
		{name: "no sweep", h: ShardHeader{Shard: 1, Of: 1, GridPoints: 3, Params: ps}, err: "s: the shard header is incomplete"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, (&SweepReport{Params: []string{"a"}}).WriteShardCSV(&buf, tc.h))
			_, err := ReadShard("s", buf.Bytes())
			require.EqualError(t, err, tc.err)
		})
	}
	_, err := ReadShard("s", []byte(strings.Repeat("x", 10)))
	require.ErrorContains(t, err, "s: not a runsim shard")
}

// TestSweepWithOneReplicationHasNoInterval: n = 1 gives no interval, and
// the sweep says so rather than print the value as its own bounds.
func TestSweepWithOneReplicationHasNoInterval(t *testing.T) {
	acc := metrics.NewAccumulator()
	acc.Add(metrics.Summary{Requests: 4, Throttled: 1})
	sw := &SweepReport{Params: []string{"service.throttle.limit"}, Points: []SweepPoint{{Values: []string{"5"}, Aggregate: acc}}}
	var csvOut, jsonOut bytes.Buffer
	require.NoError(t, sw.WriteCSV(&csvOut))
	require.NoError(t, sw.WriteJSON(&jsonOut))
	assert.Contains(t, csvOut.String(), "5,throttled_fraction,0.25,,,1\n")
	assert.NotContains(t, jsonOut.String(), "ci95_low")
	page := Page{Sweep: sw}
	assert.Contains(t, page.SweepNote(), "n = 1")
	assert.Equal(t, "25.0%", page.SweepRows()[0][1], "the value alone")
	curves := sweepCurves(sw, metrics.MustLookup("throttled_fraction"))
	c, err := SweepChart(t.TempDir(), "service.throttle.limit", metrics.MustLookup("throttled_fraction"), curves)
	require.NoError(t, err)
	assert.Contains(t, c.Title, "no confidence band")
}

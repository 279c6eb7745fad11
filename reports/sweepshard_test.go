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

// awkward are intervals whose numbers do not survive 10 significant digits.
func awkward(seed float64) Intervals {
	ivs := Intervals{}
	for i, m := range metrics.All() {
		x := seed + float64(i)
		ivs[m.Name] = metrics.Interval{Mean: x/3 + 0.1 + 0.2, Low: x / 7 * 1e-300, High: math.Nextafter(x, math.Inf(1)), N: 3}
	}
	return ivs
}

// TestShardRoundTrip: points written to shards and read back give the
// same CSV and JSON as the points themselves, for numbers that need all
// 17 digits.
func TestShardRoundTrip(t *testing.T) {
	whole := &SweepReport{Params: []string{"a", "b"}}
	var ps []ShardParam
	ps = append(ps, ShardParam{Path: "a", Values: []string{"1", "2", "3"}}, ShardParam{Path: "b", Values: []string{"x", "y"}})
	for i, a := range ps[0].Values {
		for j, b := range ps[1].Values {
			whole.Points = append(whole.Points, SweepPoint{Values: []string{a, b}, Aggregate: awkward(float64(10*i + j))})
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
					h := ShardHeader{Sweep: "f00d", Shard: k, Of: n, GridPoints: 6, Params: ps, Replications: 3, Version: "test"}
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

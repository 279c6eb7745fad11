package experiment

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/scenario"
)

// env is a getenv over a table.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestParseShard(t *testing.T) {
	tests := []struct {
		name string
		spec string
		env  map[string]string
		want Shard
		from string
		err  string
	}{
		{name: "K/N", spec: "2/4", want: Shard{2, 4}},
		{name: "1/1", spec: "1/1", want: Shard{1, 1}},
		{name: "K/N ignores the environment", spec: "3/4", env: map[string]string{"JOB_COMPLETION_INDEX": "0"}, want: Shard{3, 4}},
		{name: "Kubernetes Indexed Job, from 0", spec: "auto/4", env: map[string]string{"JOB_COMPLETION_INDEX": "0"},
			want: Shard{1, 4}, from: "JOB_COMPLETION_INDEX=0"},
		{name: "Kubernetes last index", spec: "auto/4", env: map[string]string{"JOB_COMPLETION_INDEX": "3"},
			want: Shard{4, 4}, from: "JOB_COMPLETION_INDEX=3"},
		{name: "Slurm array from 0", spec: "auto/4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "0"},
			want: Shard{3, 4}, from: "SLURM_ARRAY_TASK_ID=2 SLURM_ARRAY_TASK_MIN=0"},
		{name: "Slurm array from 1, less its minimum", spec: "auto/4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_MIN": "1"},
			want: Shard{1, 4}, from: "SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=1"},
		{name: "Slurm array with a step", spec: "auto/4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "16", "SLURM_ARRAY_TASK_MIN": "10", "SLURM_ARRAY_TASK_STEP": "2"},
			want: Shard{4, 4}, from: "SLURM_ARRAY_TASK_ID=16 SLURM_ARRAY_TASK_MIN=10 SLURM_ARRAY_TASK_STEP=2"},
		{name: "AWS Batch array job", spec: "auto/3", env: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "1"},
			want: Shard{2, 3}, from: "AWS_BATCH_JOB_ARRAY_INDEX=1"},
		{name: "Cloud Run job", spec: "auto/5", env: map[string]string{"CLOUD_RUN_TASK_INDEX": "4"},
			want: Shard{5, 5}, from: "CLOUD_RUN_TASK_INDEX=4"},
		{name: "Cloud Run job, auto/auto", spec: "auto/auto", env: map[string]string{"CLOUD_RUN_TASK_INDEX": "2", "CLOUD_RUN_TASK_COUNT": "3"},
			want: Shard{3, 3}, from: "CLOUD_RUN_TASK_INDEX=2"},
		{name: "the first variable set wins", spec: "auto/4", env: map[string]string{"JOB_COMPLETION_INDEX": "1", "CLOUD_RUN_TASK_INDEX": "3"},
			want: Shard{2, 4}, from: "JOB_COMPLETION_INDEX=1"},

		{name: "none set", spec: "auto/4", env: nil,
			err: "--shard auto/4: auto takes K from the array-job index, but none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX, CLOUD_RUN_TASK_INDEX is set; give K, as in 1/4"},
		{name: "index past N", spec: "auto/4", env: map[string]string{"JOB_COMPLETION_INDEX": "4"},
			err: "--shard auto/4: JOB_COMPLETION_INDEX=4 gives shard 5, but there are only 4 shards"},
		{name: "index not a number", spec: "auto/4", env: map[string]string{"AWS_BATCH_JOB_ARRAY_INDEX": "x"},
			err: "--shard auto/4: AWS_BATCH_JOB_ARRAY_INDEX=x is not a whole number >= 0"},
		{name: "Slurm task off the step", spec: "auto/4", env: map[string]string{"SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_STEP": "2"},
			err: "--shard auto/4: SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=0 SLURM_ARRAY_TASK_STEP=2 is not a task of the array"},
		{name: "auto/auto without a count", spec: "auto/auto", env: map[string]string{"CLOUD_RUN_TASK_INDEX": "0"},
			err: "--shard auto/auto: auto/auto takes N from CLOUD_RUN_TASK_COUNT, which is not set; give N, as in auto/4"},
		{name: "K/auto", spec: "1/auto", err: "--shard 1/auto: N may be auto only in auto/auto"},
		{name: "K of 0", spec: "0/4", err: "--shard 0/4: K must be a whole number from 1 to 4, got \"0\""},
		{name: "K past N", spec: "5/4", err: "--shard 5/4: K must be a whole number from 1 to 4, got \"5\""},
		{name: "N of 0", spec: "1/0", err: "--shard 1/0: N must be a whole number >= 1, got \"0\""},
		{name: "no slash", spec: "3", err: "--shard 3: want K/N (1 <= K <= N), auto/N or auto/auto"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, from, err := ParseShard(tc.spec, env(tc.env))
			if tc.err != "" {
				require.EqualError(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.from, from)
		})
	}
}

// TestShardSplit: every point of a grid is in exactly one shard, and Count
// agrees with Has, for grids smaller and larger than N.
func TestShardSplit(t *testing.T) {
	for total := range 12 {
		for n := 1; n <= 9; n++ {
			seen := make([]int, total)
			for k := 1; k <= n; k++ {
				s := Shard{k, n}
				count := 0
				for i := range total {
					if s.Has(i) {
						seen[i]++
						count++
					}
				}
				assert.Equal(t, count, s.Count(total), "%d points, shard %s", total, s)
			}
			for i, c := range seen {
				assert.Equal(t, 1, c, "%d points in %d shards: point %d", total, n, i)
			}
		}
	}
}

// TestSweepShardsMakeTheSweep: the shards' points, put in order, are the
// sweep's, with the same results, whatever the workers of each shard.
func TestSweepShardsMakeTheSweep(t *testing.T) {
	s := documented(t, "horizon=4d")
	ps := params(t, "clients.admin.arrivals.poisson.rate=2/d:12/d:5/d", "service.throttle.limit=3,5")
	var whole []Point
	require.NoError(t, Sweep(s, ps, Options{Replications: 5, Workers: 2}, func(pt Point) error {
		whole = append(whole, pt)
		return nil
	}))
	require.Len(t, whole, 6)
	for _, n := range []int{1, 4, 9} {
		t.Run(fmt.Sprintf("N=%d", n), func(t *testing.T) {
			got := make([]*Point, len(whole))
			for k := 1; k <= n; k++ {
				sh := Shard{k, n}
				var pts []Point
				require.NoError(t, SweepShard(s, ps, sh, Options{Replications: 5, Workers: k%3 + 1}, func(pt Point) error {
					pts = append(pts, pt)
					return nil
				}))
				require.Len(t, pts, sh.Count(len(whole)))
				for _, pt := range pts {
					assert.True(t, sh.Has(pt.Index))
					assert.Nil(t, got[pt.Index], "point %d twice", pt.Index)
					got[pt.Index] = &pt
				}
			}
			for i, w := range whole {
				require.NotNil(t, got[i], "point %d missing", i)
				assert.Equal(t, i, w.Index)
				assert.Equal(t, w.Values, got[i].Values)
				assert.Equal(t, w.Aggregate.Intervals(), got[i].Aggregate.Intervals())
			}
		})
	}
}

func TestSweepShardRefusesABadShardOrValue(t *testing.T) {
	s := documented(t)
	ps := params(t, "service.throttle.limit=3,5", "service.throttle.kind=sliding,leaky", "seed=1:10000:1")
	good, bad, wide := ps[0], ps[1], ps[2]
	none := func(Point) error { t.Fatal("nothing should run"); return nil }
	tests := []struct {
		name   string
		params []Param
		shard  Shard
		err    string
	}{
		{name: "zero shard", params: []Param{good}, shard: Shard{}, err: "shard 0/0: want K/N with 1 <= K <= N"},
		{name: "K past N", params: []Param{good}, shard: Shard{3, 2}, err: "shard 3/2: want K/N with 1 <= K <= N"},
		// the bad value is point 1, in shard 2 of 2; shard 1 refuses it too
		{name: "a bad value in another shard", params: []Param{bad}, shard: Shard{1, 2}, err: "unknown throttle \"leaky\""},
		// three params of 10000 values once made a grid of 10^12 points
		{name: "a grid past the bound", params: []Param{wide, wide, wide}, shard: Whole, err: "the grid has more than 100000 points"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := SweepShard(s, tc.params, tc.shard, Options{Replications: 2}, none)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}

func TestFingerprint(t *testing.T) {
	ps := params(t, "service.throttle.limit=3,5", "service.throttle.limit=3,6")
	p, q := ps[0], ps[1]
	base, err := Fingerprint(documented(t), []Param{p}, Options{Replications: 5}, "v1")
	require.NoError(t, err)
	again, err := Fingerprint(documented(t), []Param{p}, Options{Replications: 5, Workers: 7}, "v1")
	require.NoError(t, err)
	assert.Equal(t, base, again, "workers are not part of a sweep")
	assert.Len(t, base, 64)
	tests := []struct {
		name   string
		s      *scenario.Scenario
		params []Param
		opts   Options
		v      string
	}{
		{name: "an override", s: documented(t, "service.throttle.window=11h"), params: []Param{p}, opts: Options{Replications: 5}, v: "v1"},
		{name: "the seed", s: documented(t, "seed=2"), params: []Param{p}, opts: Options{Replications: 5}, v: "v1"},
		{name: "the grid", s: documented(t), params: []Param{q}, opts: Options{Replications: 5}, v: "v1"},
		{name: "replications", s: documented(t), params: []Param{p}, opts: Options{Replications: 6}, v: "v1"},
		{name: "the version", s: documented(t), params: []Param{p}, opts: Options{Replications: 5}, v: "v2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fp, err := Fingerprint(tc.s, tc.params, tc.opts, tc.v)
			require.NoError(t, err)
			assert.NotEqual(t, base, fp)
		})
	}
}

package experiment

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"runsim/scenario"
)

// A Shard is one of N pieces of a sweep's grid, numbered from 1 as
// jest --shard and playwright --shard number them. Point i of the grid
// (from 0, in the order Grid gives) belongs to shard i mod N + 1: the
// split depends only on the grid and N, never on the workers, and
// neighbouring points, which often cost alike, go to different shards.
// With N larger than the grid some shards are empty. The zero Shard is
// not valid; Whole is the one shard of an unsharded sweep.
type Shard struct {
	K, N int
}

// Whole is the whole sweep as one shard.
var Whole = Shard{K: 1, N: 1}

// String is "K/N".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

func (s Shard) validate() error {
	if s.N < 1 || s.K < 1 || s.K > s.N {
		return fmt.Errorf("shard %d/%d: want K/N with 1 <= K <= N", s.K, s.N)
	}
	return nil
}

// Has says whether point i of the grid belongs to the shard.
func (s Shard) Has(i int) bool { return i%s.N == s.K-1 }

// Count is the number of points of a grid of total points in the shard.
func (s Shard) Count(total int) int {
	if total < s.K {
		return 0
	}
	return (total-s.K)/s.N + 1
}

// IndexVars are the environment variables that give a task its index in
// an array job, from 0, in the order ParseShard looks for them.
var IndexVars = []struct{ Name, Engine string }{
	{"JOB_COMPLETION_INDEX", "Kubernetes Indexed Job"},
	{"SLURM_ARRAY_TASK_ID", "Slurm job array (less SLURM_ARRAY_TASK_MIN, divided by SLURM_ARRAY_TASK_STEP)"},
	{"AWS_BATCH_JOB_ARRAY_INDEX", "AWS Batch array job"},
	{"CLOUD_RUN_TASK_INDEX", "Cloud Run job"},
}

// ParseShard reads a --shard value: "K/N" (1 <= K <= N), "auto/N", where
// K is the array-job index of the engine the process runs under (the
// first of IndexVars that is set, plus one), or "auto/auto", where N is
// CLOUD_RUN_TASK_COUNT as well. getenv is os.Getenv, or a table in tests.
// It returns the shard and where K came from ("" for K/N).
func ParseShard(spec string, getenv func(string) string) (Shard, string, error) {
	bad := func(format string, args ...any) (Shard, string, error) {
		return Shard{}, "", fmt.Errorf("--shard %s: "+format, append([]any{spec}, args...)...)
	}
	ks, ns, ok := strings.Cut(spec, "/")
	if !ok {
		return bad("want K/N (1 <= K <= N), auto/N or auto/auto")
	}
	var sh Shard
	var from string
	if ns == "auto" {
		if ks != "auto" {
			return bad("N may be auto only in auto/auto")
		}
		v := getenv("CLOUD_RUN_TASK_COUNT")
		if v == "" {
			return bad("auto/auto takes N from CLOUD_RUN_TASK_COUNT, which is not set; give N, as in auto/4")
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return bad("CLOUD_RUN_TASK_COUNT=%q is not a whole number >= 1", v)
		}
		sh.N = n
	} else {
		n, err := strconv.Atoi(ns)
		if err != nil || n < 1 {
			return bad("N must be a whole number >= 1, got %q", ns)
		}
		sh.N = n
	}
	if ks == "auto" {
		k, src, err := indexFromEnv(getenv)
		if err != nil {
			return bad("%v", err)
		}
		if k > sh.N {
			return bad("%s gives shard %d, but there are only %d shards", src, k, sh.N)
		}
		sh.K, from = k, src
	} else {
		k, err := strconv.Atoi(ks)
		if err != nil || k < 1 || k > sh.N {
			return bad("K must be a whole number from 1 to %d, got %q", sh.N, ks)
		}
		sh.K = k
	}
	return sh, from, nil
}

// indexFromEnv is K (from 1) from the first index variable set, and the
// variable (with its value) it came from.
func indexFromEnv(getenv func(string) string) (int, string, error) {
	for _, iv := range IndexVars {
		v := getenv(iv.Name)
		if v == "" {
			continue
		}
		src := iv.Name + "=" + v
		idx, err := strconv.Atoi(v)
		if err != nil || idx < 0 {
			return 0, "", fmt.Errorf("%s is not a whole number >= 0", src)
		}
		if iv.Name == "SLURM_ARRAY_TASK_ID" {
			low, step := 0, 1
			if m := getenv("SLURM_ARRAY_TASK_MIN"); m != "" {
				if low, err = strconv.Atoi(m); err != nil {
					return 0, "", fmt.Errorf("SLURM_ARRAY_TASK_MIN=%s is not a whole number", m)
				}
				src += " SLURM_ARRAY_TASK_MIN=" + m
			}
			if s := getenv("SLURM_ARRAY_TASK_STEP"); s != "" {
				if step, err = strconv.Atoi(s); err != nil || step < 1 {
					return 0, "", fmt.Errorf("SLURM_ARRAY_TASK_STEP=%s is not a whole number >= 1", s)
				}
				src += " SLURM_ARRAY_TASK_STEP=" + s
			}
			if idx < low || (idx-low)%step != 0 {
				return 0, "", fmt.Errorf("%s is not a task of the array", src)
			}
			idx = (idx - low) / step
		}
		return idx + 1, src, nil
	}
	names := make([]string, len(IndexVars))
	for i, iv := range IndexVars {
		names[i] = iv.Name
	}
	return 0, "", errors.New("auto takes K from the array-job index, but none of " + strings.Join(names, ", ") + " is set; give K, as in 1/4")
}

// Fingerprint identifies a sweep: a SHA-256, in hex, of the scenario after
// its overrides (its expectations and variants left out: a sweep does not
// use them), the grid, the replications per point, the seed and runsim's
// version. Shards of one sweep share it; any difference in what they were
// run with changes it.
func Fingerprint(base *scenario.Scenario, params []Param, opts Options, version string) (string, error) {
	f := base.File
	f.Expect, f.Variants = nil, nil
	b, err := json.Marshal(struct {
		Scenario     scenario.File `json:"scenario"`
		Params       []Param       `json:"params"`
		Replications int           `json:"replications"`
		Seed         uint64        `json:"seed"`
		Version      string        `json:"version"`
	}{f, params, replications(base, opts), base.File.Seed, version})
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// Replications is the number of replications per point a sweep with opts
// runs: opts.Replications, else the scenario's.
func Replications(base *scenario.Scenario, opts Options) int {
	return replications(base, opts)
}

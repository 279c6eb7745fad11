package scenario_test

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"runsim/metrics"
	"runsim/scenario"
	"runsim/sim"
)

// libraryDirs are the folders of the shipped library: a fuzzed scenario is
// parsed as if it lay in one of them, so that the files the shipped
// scenarios name (replay logs, samples) resolve.
var libraryDirs = []string{"../scenarios", "../scenarios/policies", "../scenarios/rules"}

// Bounds of the short run FuzzWholePath makes of every accepted scenario.
const (
	fuzzHorizon   = 2 * 24 * time.Hour
	fuzzMaxEvents = 200_000
	// fuzzStep is how far the run advances between looks at its work: at
	// the highest rate (10,000,000/h) a minute is about 170,000 events.
	fuzzStep = time.Minute
)

// FuzzWholePath follows a scenario along the whole path of runsim run:
// load (strict decoding, overrides, files), validate, build (the engine
// configuration, its throttle, each variant), then a short run whose
// horizon and work are clamped, measured by the collector. It checks that
// nothing panics, that a refusal is a *scenario.Error with a place, that
// whatever is accepted builds and runs, and that every metric of the run
// lies within its bounds. The seed corpus is the shipped library; a
// crasher found is kept under testdata/fuzz/FuzzWholePath.
func FuzzWholePath(f *testing.F) {
	for i, dir := range libraryDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data, uint8(i), "")
		}
	}
	f.Add([]byte("start: 2025-01-06T00:00:00Z\nhorizon: 2d\nservice: {throttle: {limit: 1000000000000000000}}\n"), uint8(0), "")
	f.Add([]byte("start: 0001-01-01T00:00:00Z\nhorizon: 2d\n"), uint8(0), "")
	f.Add([]byte("start: 2025-01-06T00:00:00Z\nhorizon: 200y\n"), uint8(0), "service.throttle.kind=gcra")
	f.Fuzz(func(t *testing.T, data []byte, dir uint8, set string) {
		var sets []string
		if set != "" {
			sets = []string{set}
		}
		name := filepath.Join(libraryDirs[int(dir)%len(libraryDirs)], "fuzz.yaml")
		s, err := scenario.Parse(name, data, sets...)
		if err != nil {
			var e *scenario.Error
			if !errors.As(err, &e) {
				if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
					return // a file the scenario names; its error says which
				}
				t.Fatalf("refusal of type %T: %v", err, err)
			}
			if e.Set == "" && e.Line < 1 {
				t.Fatalf("refusal without a place: %v", err)
			}
			return
		}
		for _, v := range s.File.Variants {
			vs, err := s.WithVariant(v.Name)
			if err != nil {
				t.Fatalf("variant %q accepted at load, refused now: %v", v.Name, err)
			}
			if _, err := vs.Config(); err != nil {
				t.Fatalf("variant %q accepted, no config: %v", v.Name, err)
			}
		}
		cfg, err := s.Config()
		if err != nil {
			t.Fatalf("accepted scenario, no config: %v", err)
		}
		if cfg.NewThrottle != nil {
			if _, err := cfg.NewThrottle(); err != nil {
				t.Fatalf("accepted scenario, no throttle: %v", err)
			}
		}
		_ = s.Assumptions()
		if !cfg.End.After(cfg.Start) {
			t.Fatal("empty horizon accepted")
		}
		if cfg.End.Sub(cfg.Start) > fuzzHorizon {
			cfg.End = cfg.Start.Add(fuzzHorizon)
		}
		c := metrics.NewCollector(cfg.Start, cfg.End)
		g, err := sim.New(cfg, c)
		if err != nil {
			t.Fatalf("accepted scenario, refused by the engine: %v", err)
		}
		for at := cfg.Start.Add(fuzzStep); at.Before(cfg.End); at = at.Add(fuzzStep) {
			if err := g.AdvanceTo(at); err != nil {
				t.Fatal(err)
			}
			if g.Events() > fuzzMaxEvents {
				return // too much work for a fuzz run; the budget of run is for this
			}
		}
		g.Finish()
		checkBounds(t, c.Summary())
	})
}

// checkBounds asserts that every metric of a summary lies within its
// bounds, and that each mean (x_mean) lies within its maximum (x_max).
func checkBounds(t *testing.T, sum metrics.Summary) {
	t.Helper()
	values := map[string]float64{}
	for _, m := range metrics.All() {
		v := m.Value(sum)
		values[m.Name] = v
		if math.IsNaN(v) {
			continue // n/a: nothing measured
		}
		lo, hi := m.Bounds()
		if v < lo || v > hi {
			t.Errorf("%s = %g, outside [%g, %g]", m.Name, v, lo, hi)
		}
	}
	for name, v := range values {
		rest, ok := strings.CutSuffix(name, "_mean")
		if !ok {
			continue
		}
		if max, ok := values[rest+"_max"]; ok && !math.IsNaN(v) && !math.IsNaN(max) && v > max*(1+1e-9)+1e-9 {
			t.Errorf("%s = %g is above %s = %g", name, v, rest+"_max", max)
		}
	}
}

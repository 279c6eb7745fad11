package scenario

import (
	"os"
	"testing"

	"runsim/sim"
)

// FuzzParse checks that no input makes the loader panic, that every refusal
// is an *Error with a place, and that every accepted scenario builds a
// configuration the engine takes. The seed corpus is under
// testdata/fuzz/FuzzParse; go test -fuzz FuzzParse ./scenario explores.
func FuzzParse(f *testing.F) {
	for _, file := range shipped(f) {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, "")
	}
	f.Add([]byte(good), "service.throttle.limit=0")
	f.Fuzz(func(t *testing.T, data []byte, set string) {
		var sets []string
		if set != "" {
			sets = []string{set}
		}
		s, err := Parse("fuzz.yaml", data, sets...)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			if e.Set == "" && e.Line < 1 {
				t.Fatalf("error without a place: %v", err)
			}
			return
		}
		cfg, err := s.Config()
		if err != nil {
			t.Fatalf("accepted scenario, no config: %v", err)
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted scenario, refused config: %v", err)
		}
		if cfg.End.Sub(cfg.Start) <= 0 {
			t.Fatal("empty horizon accepted")
		}
		_ = s.Assumptions()
		if cfg.End.Sub(cfg.Start).Hours() < 24*30 && len(cfg.Clients) < 4 {
			// Short scenarios are cheap enough to run whole.
			if _, err := sim.Run(cfg); err != nil {
				t.Fatal(err)
			}
		}
	})
}

package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// NewStream returns the random stream of the named component for seed:
// rand.New(rand.NewPCG(seed, fnv64a(component))). Components named alike get
// the same stream for the same seed, whatever else the scenario holds.
func NewStream(seed uint64, component string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(component))
	return rand.New(rand.NewPCG(seed, h.Sum64()))
}

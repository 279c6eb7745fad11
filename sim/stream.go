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

// ReplicationSeed returns the seed of replication i of a scenario whose seed
// is seed: seed itself for i = 0, independent-looking seeds after it.
func ReplicationSeed(seed uint64, i int) uint64 {
	if i == 0 {
		return seed
	}
	return splitmix(seed ^ splitmix(uint64(i)+0x5eed))
}

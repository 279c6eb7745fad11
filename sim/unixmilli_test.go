package sim

import (
	"testing"
	"time"
)

// TestUnixMilli: the engine's conversion of Unix milliseconds to a time is
// time.UnixMilli's, in UTC, around the epoch and far from it.
func TestUnixMilli(t *testing.T) {
	for _, ms := range []int64{0, 1, -1, 999, -999, 1000, -1000, 1001, -1001, 1736121600000, 1736121600001,
		-62135596800000, 253402300799999, 1 << 62 / 1000000, -(1 << 62) / 1000000} {
		for d := int64(-2); d <= 2; d++ {
			want, got := time.UnixMilli(ms+d).UTC(), unixMilli(ms+d)
			if got != want {
				t.Errorf("unixMilli(%d) = %v (%#v), want %v (%#v)", ms+d, got, got, want, want)
			}
		}
	}
}

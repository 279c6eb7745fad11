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

// TestTimeLayout: the standard library's time.Time is laid out as the
// engine's fast conversion expects; if Go changes it, the conversion falls
// back to time.Unix (still exact, slower) and this test says so.
func TestTimeLayout(t *testing.T) {
	if !timeLayout {
		t.Error("time.Time is not laid out as timeRep: unixMilli takes the slow path")
	}
}

package policy

import (
	"strconv"
	"time"
)

// FormatDuration writes d the way scenario files spell durations: whole days
// as "d", then hours, minutes, seconds and milliseconds, e.g. "1d12h",
// "1h50m", "90s", "1.5s" becomes "1s500ms". Zero is "0s".
func FormatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	var b []byte
	if d < 0 {
		b = append(b, '-')
		d = -d
	}
	units := []struct {
		size time.Duration
		name string
	}{
		{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"},
		{time.Second, "s"}, {time.Millisecond, "ms"}, {time.Microsecond, "us"}, {1, "ns"},
	}
	for _, u := range units {
		if n := d / u.size; n > 0 {
			b = strconv.AppendInt(b, int64(n), 10)
			b = append(b, u.name...)
			d -= n * u.size
		}
	}
	return string(b)
}

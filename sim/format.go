package sim

import (
	"strconv"
	"time"

	"runsim/policy"
)

func fmtDur(d time.Duration) string { return policy.FormatDuration(d) }
func itoa(n int) string             { return strconv.Itoa(n) }
func ftoa(f float64) string         { return strconv.FormatFloat(f, 'g', -1, 64) }

package reports_test

import (
	"fmt"

	"runsim/reports"
)

// Figures are written in the units people read: durations, percentages,
// counts.
func ExampleFormatMetric() {
	fmt.Println(reports.FormatMetric("freshness_p95", 3*3600+25*60))
	fmt.Println(reports.FormatMetric("throttled_fraction", 0.125))
	fmt.Println(reports.FormatDelta("requests", 42))
	// Output:
	// 3h25m
	// 12.5%
	// +42
}

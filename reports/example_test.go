package reports_test

import (
	"os"

	"runsim/metrics"
	"runsim/reports"
)

// A sweep's CSV has a row per point and metric, keyed as in the metric
// table: durations in seconds with an _s suffix, fractions 0..1.
func ExampleSweepReport_WriteCSV() {
	acc := metrics.NewAccumulator()
	acc.Add(metrics.Summary{Requests: 4, Throttled: 1})
	sw := &reports.SweepReport{Params: []string{"service.throttle.limit"}, Points: []reports.SweepPoint{{Values: []string{"5"}, Aggregate: acc}}}
	if err := sw.WriteCSV(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// service.throttle.limit,metric,mean,ci95_low,ci95_high,n
	// 5,requests,4,,,1
	// 5,accepted,0,,,1
	// 5,throttled,1,,,1
	// 5,conflicts,0,,,1
	// 5,retries,0,,,1
	// 5,gave_up,0,,,1
	// 5,throttled_fraction,0.25,,,1
	// 5,conflict_fraction,0,,,1
	// 5,accepted_fraction,0,,,1
	// 5,retry_after_mean_s,0,,,1
	// 5,runs_started,0,,,1
	// 5,runs_succeeded,0,,,1
	// 5,runs_failed,0,,,1
	// 5,runs_per_day,0,,,1
	// 5,scheduled_run,0,,,1
	// 5,scheduled_skipped,0,,,1
	// 5,lateness_mean_s,0,,,1
	// 5,lateness_max_s,0,,,1
	// 5,freshness_mean_s,0,,,1
	// 5,freshness_p50_s,0,,,1
	// 5,freshness_p95_s,0,,,1
	// 5,freshness_max_s,0,,,1
	// 5,latency_p50_s,0,,,1
	// 5,latency_p95_s,0,,,1
	// 5,occupancy_mean,0,,,1
	// 5,occupancy_max,0,,,1
	// 5,polls,0,,,1
}

package metrics

// Metric returns the named figure of s: counts as numbers, fractions
// between 0 and 1, durations in seconds. ok is false for an unknown name.
// The names are those of scenario expectations (scenarios.Metrics).
func (s Summary) Metric(name string) (v float64, ok bool) {
	frac := func(n int) float64 {
		if s.Requests == 0 {
			return 0
		}
		return float64(n) / float64(s.Requests)
	}
	skipped := 0
	for _, n := range s.ScheduledSkipped {
		skipped += n
	}
	switch name {
	case "freshness_mean":
		return s.Freshness.Mean.Seconds(), true
	case "freshness_p50":
		return s.Freshness.P50.Seconds(), true
	case "freshness_p95":
		return s.Freshness.P95.Seconds(), true
	case "freshness_max":
		return s.Freshness.Max.Seconds(), true
	case "throttled_fraction":
		return frac(s.Throttled), true
	case "conflict_fraction":
		return frac(s.Conflicts), true
	case "accepted_fraction":
		return frac(s.Accepted), true
	case "requests":
		return float64(s.Requests), true
	case "accepted":
		return float64(s.Accepted), true
	case "throttled":
		return float64(s.Throttled), true
	case "conflicts":
		return float64(s.Conflicts), true
	case "retries":
		return float64(s.Retries), true
	case "gave_up":
		return float64(s.GaveUp), true
	case "runs_started":
		return float64(s.RunsStarted), true
	case "runs_succeeded":
		return float64(s.RunsSucceeded), true
	case "runs_failed":
		return float64(s.RunsFailed), true
	case "scheduled_run":
		return float64(s.ScheduledRun), true
	case "scheduled_skipped":
		return float64(skipped), true
	case "lateness_mean":
		return s.LatenessMean.Seconds(), true
	case "lateness_max":
		return s.LatenessMax.Seconds(), true
	case "polls":
		return float64(s.Polls), true
	case "latency_p50":
		return s.Latency.P50.Seconds(), true
	case "latency_p95":
		return s.Latency.P95.Seconds(), true
	case "runs_per_day":
		return s.RunsPerDay, true
	case "occupancy_mean":
		return s.OccupancyMean, true
	case "occupancy_max":
		return float64(s.OccupancyMax), true
	}
	return 0, false
}

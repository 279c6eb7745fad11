package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runsim/metrics"
	"strings"
	"text/tabwriter"
	"time"

	"runsim/policy"
)

// An Assumption is one policy setting in force, printed with every report
// so that nobody mistakes a guess for a fact.
type Assumption struct {
	Key, Value string
}

// RunReport is the outcome of one run of a scenario.
type RunReport struct {
	Scenario    string
	File        string
	Seed        uint64
	Summary     metrics.Summary // the first replication
	Assumptions []Assumption
	// Aggregate, with more than one replication, holds every metric over
	// all of them.
	Aggregate *metrics.Accumulator
}

type jsonFreshness struct {
	MeanS float64 `json:"mean_s"`
	P50S  float64 `json:"p50_s"`
	P95S  float64 `json:"p95_s"`
	MaxS  float64 `json:"max_s"`
}

type jsonLatency struct {
	P50S float64 `json:"p50_s"`
	P95S float64 `json:"p95_s"`
	N    int     `json:"n"`
}

type jsonInterval struct {
	Mean     float64 `json:"mean"`
	CI95Low  float64 `json:"ci95_low"`
	CI95High float64 `json:"ci95_high"`
	N        int     `json:"n"`
}

type jsonRun struct {
	Scenario         string                  `json:"scenario"`
	Seed             uint64                  `json:"seed"`
	Start            time.Time               `json:"start"`
	End              time.Time               `json:"end"`
	Requests         int                     `json:"requests"`
	Accepted         int                     `json:"accepted"`
	Throttled        int                     `json:"throttled"`
	Conflicts        int                     `json:"conflicts"`
	Retries          int                     `json:"retries"`
	GaveUp           int                     `json:"gave_up"`
	RunsStarted      int                     `json:"runs_started"`
	RunsSucceeded    int                     `json:"runs_succeeded"`
	RunsFailed       int                     `json:"runs_failed"`
	RunsInProgress   int                     `json:"runs_in_progress"`
	ScheduledDue     int                     `json:"scheduled_due"`
	ScheduledRun     int                     `json:"scheduled_run"`
	ScheduledSkipped map[string]int          `json:"scheduled_skipped"`
	LatenessMeanS    float64                 `json:"lateness_mean_s"`
	LatenessMaxS     float64                 `json:"lateness_max_s"`
	Polls            int                     `json:"polls"`
	Freshness        jsonFreshness           `json:"freshness"`
	Latency          jsonLatency             `json:"latency"`
	RunsPerDay       float64                 `json:"runs_per_day"`
	OccupancyMean    float64                 `json:"occupancy_mean"`
	OccupancyMax     float64                 `json:"occupancy_max"`
	Assumptions      map[string]string       `json:"assumptions"`
	Aggregate        map[string]jsonInterval `json:"aggregate,omitempty"`
}

// WriteJSON writes the report as one JSON object with snake_case fields and
// durations in seconds.
func (r RunReport) WriteJSON(w io.Writer) error {
	s := r.Summary
	out := jsonRun{
		Scenario: r.Scenario, Seed: r.Seed, Start: s.Start.UTC(), End: s.End.UTC(),
		Requests: s.Requests, Accepted: s.Accepted, Throttled: s.Throttled, Conflicts: s.Conflicts,
		Retries: s.Retries, GaveUp: s.GaveUp,
		RunsStarted: s.RunsStarted, RunsSucceeded: s.RunsSucceeded, RunsFailed: s.RunsFailed, RunsInProgress: s.InProgress(),
		ScheduledDue: s.ScheduledDue, ScheduledRun: s.ScheduledRun, ScheduledSkipped: s.ScheduledSkipped,
		LatenessMeanS: s.LatenessMean.Seconds(), LatenessMaxS: s.LatenessMax.Seconds(), Polls: s.Polls,
		Freshness: jsonFreshness{
			MeanS: s.Freshness.Mean.Seconds(), P50S: s.Freshness.P50.Seconds(), P95S: s.Freshness.P95.Seconds(), MaxS: s.Freshness.Max.Seconds(),
		},
		Latency:    jsonLatency{P50S: s.Latency.P50.Seconds(), P95S: s.Latency.P95.Seconds(), N: s.Latency.N},
		RunsPerDay: s.RunsPerDay, OccupancyMean: s.OccupancyMean, OccupancyMax: s.OccupancyMax,
		Assumptions: map[string]string{},
	}
	if out.ScheduledSkipped == nil {
		out.ScheduledSkipped = map[string]int{}
	}
	for _, a := range r.Assumptions {
		out.Assumptions[a.Key] = a.Value
	}
	if r.Aggregate != nil && r.Aggregate.N() > 1 {
		out.Aggregate = map[string]jsonInterval{}
		for m, iv := range r.Aggregate.Intervals() {
			out.Aggregate[m] = jsonInterval{Mean: iv.Mean, CI95Low: iv.Low, CI95High: iv.High, N: iv.N}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteText writes the report as a readable table followed by the
// assumptions in force.
func (r RunReport) WriteText(w io.Writer) error {
	s := r.Summary
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	p := func(format string, args ...any) { fmt.Fprintf(tw, format+"\n", args...) }
	name := r.Scenario
	if r.File != "" {
		name += " (" + r.File + ")"
	}
	p("scenario\t%s", name)
	p("seed\t%d", r.Seed)
	p("period\t%s to %s (%s)", s.Start.UTC().Format(time.RFC3339), s.End.UTC().Format(time.RFC3339), policy.FormatDuration(s.End.Sub(s.Start)))
	p("\t")
	p("requests\t%d\t(%d first attempts, %d retries)", s.Requests, s.Requests-s.Retries, s.Retries)
	p("  accepted (202)\t%d\t%s", s.Accepted, share(s.Accepted, s.Requests))
	p("  throttled (429)\t%d\t%s", s.Throttled, share(s.Throttled, s.Requests))
	p("  conflict (409)\t%d\t%s", s.Conflicts, share(s.Conflicts, s.Requests))
	p("  gave up\t%d\t(requests abandoned)", s.GaveUp)
	p("runs started\t%d", s.RunsStarted)
	p("  succeeded\t%d", s.RunsSucceeded)
	p("  failed\t%d", s.RunsFailed)
	p("  in progress at end\t%d", s.InProgress())
	p("scheduled runs due\t%d", s.ScheduledDue)
	p("  ran\t%d", s.ScheduledRun)
	for _, reason := range []string{"on-demand", "run-in-progress", "throttled"} {
		p("  skipped: %s\t%d", reason, s.ScheduledSkipped[reason])
	}
	if s.LatenessMax > 0 {
		p("  lateness\tmean %s, max %s\t(start after the nominal instant)", roundDur(s.LatenessMean), roundDur(s.LatenessMax))
	}
	if s.Polls > 0 {
		p("operation polls\t%d", s.Polls)
	}
	p("freshness\t\t(time since the last successful run finished, time-weighted)")
	p("  mean\t%s", roundDur(s.Freshness.Mean))
	p("  p50\t%s", roundDur(s.Freshness.P50))
	p("  p95\t%s", roundDur(s.Freshness.P95))
	p("  max\t%s", roundDur(s.Freshness.Max))
	if s.Latency.N > 0 {
		p("latency\tp50 %s, p95 %s\t(first request to the end of its run, %d requests)", roundDur(s.Latency.P50), roundDur(s.Latency.P95), s.Latency.N)
	}
	p("successful runs per day\t%.2f", s.RunsPerDay)
	p("throttle window occupancy\tmean %.2f, max %.4g", s.OccupancyMean, s.OccupancyMax)
	if a := r.Aggregate; a != nil && a.N() > 1 {
		p("\t")
		p("over %d replications\tmean\t95%% confidence interval", a.N())
		for _, m := range metrics.MetricNames {
			iv := a.Interval(m)
			p("  %s\t%s\t[%s, %s]", m, FormatMetric(m, iv.Mean), FormatMetric(m, iv.Low), FormatMetric(m, iv.High))
		}
	}
	p("\t")
	p("assumptions\t")
	for _, a := range r.Assumptions {
		p("  %s\t%s", a.Key, a.Value)
	}
	return tw.Flush()
}

// FormatMetric writes a metric's value for people: durations (metrics in
// seconds) as 1h25m, fractions as percentages, counts as numbers.
func FormatMetric(metric string, v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case strings.HasPrefix(metric, "freshness_") || strings.HasPrefix(metric, "lateness_") || strings.HasPrefix(metric, "latency_"):
		d := time.Duration(v * float64(time.Second))
		if d >= time.Hour || d <= -time.Hour {
			return policy.FormatDuration(d.Round(time.Minute))
		}
		return policy.FormatDuration(d.Round(time.Second))
	case strings.HasSuffix(metric, "_fraction"):
		return fmt.Sprintf("%.1f%%", 100*v)
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// FormatDelta writes a difference of a metric with its sign, or "=" for
// none, as FormatMetric writes values.
func FormatDelta(metric string, d float64) string {
	switch {
	case d == 0:
		return "="
	case d < 0:
		return "-" + FormatMetric(metric, -d)
	}
	return "+" + FormatMetric(metric, d)
}

func share(n, of int) string {
	if of == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

func roundDur(d time.Duration) string { return policy.FormatDuration(d.Round(time.Second)) }

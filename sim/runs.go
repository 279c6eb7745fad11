package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"runsim/policy"
)

// A RunModel draws how long a run lasts and how it ends.
type RunModel interface {
	Draw(trigger policy.Trigger, rng *rand.Rand) (time.Duration, RunStatus)
	String() string
}

// A DurationDist is a distribution of run durations.
type DurationDist interface {
	Sample(rng *rand.Rand) time.Duration
	String() string
}

// Constant is a duration that never varies.
type Constant time.Duration

// Sample implements DurationDist.
func (c Constant) Sample(*rand.Rand) time.Duration { return time.Duration(c) }

func (c Constant) String() string { return "constant " + fmtDur(time.Duration(c)) }

// Exponential durations with the given mean.
type Exponential struct{ Mean time.Duration }

// Sample implements DurationDist.
func (e Exponential) Sample(rng *rand.Rand) time.Duration {
	return seconds(distuv.Exponential{Rate: 1 / e.Mean.Seconds(), Src: rng}.Rand())
}

func (e Exponential) String() string { return "exponential mean " + fmtDur(e.Mean) }

// LogNormal durations given by their median and the sigma of their
// logarithm (distuv.LogNormal with Mu = ln(median in seconds)).
type LogNormal struct {
	Median time.Duration
	Sigma  float64
}

// Sample implements DurationDist.
func (l LogNormal) Sample(rng *rand.Rand) time.Duration {
	return seconds(distuv.LogNormal{Mu: math.Log(l.Median.Seconds()), Sigma: l.Sigma, Src: rng}.Rand())
}

func (l LogNormal) String() string {
	return "lognormal median " + fmtDur(l.Median) + " sigma " + ftoa(l.Sigma)
}

// Gamma durations with the given shape and mean (distuv.Gamma with
// Alpha = Shape, Beta = Shape/mean in seconds).
type Gamma struct {
	Shape float64
	Mean  time.Duration
}

// Sample implements DurationDist.
func (g Gamma) Sample(rng *rand.Rand) time.Duration {
	return seconds(distuv.Gamma{Alpha: g.Shape, Beta: g.Shape / g.Mean.Seconds(), Src: rng}.Rand())
}

func (g Gamma) String() string { return "gamma shape " + ftoa(g.Shape) + " mean " + fmtDur(g.Mean) }

// Empirical durations are drawn uniformly from observed samples (a
// bootstrap).
type Empirical []time.Duration

// Sample implements DurationDist.
func (e Empirical) Sample(rng *rand.Rand) time.Duration { return e[rng.IntN(len(e))] }

func (e Empirical) String() string { return "empirical, " + itoa(len(e)) + " samples" }

// seconds converts a draw in seconds to a duration taken to the
// millisecond, at least one millisecond and at most 100 years.
func seconds(s float64) time.Duration {
	const maxMs = 100 * 365 * 24 * 3600 * 1000
	ms := math.Round(s * 1000)
	switch {
	case !(ms >= 1): // also NaN
		ms = 1
	case ms > maxMs:
		ms = maxMs
	}
	return time.Duration(ms) * time.Millisecond
}

// An Outcome is a run status and its probability.
type Outcome struct {
	Status RunStatus
	P      float64
}

// Drawn is the RunModel of scenario files: durations from a distribution,
// statuses from outcome probabilities that sum to 1. Each run takes one
// duration draw, then one uniform draw for its status, from the run stream.
type Drawn struct {
	Duration DurationDist
	Outcomes []Outcome
}

// Draw implements RunModel.
func (d Drawn) Draw(_ policy.Trigger, rng *rand.Rand) (time.Duration, RunStatus) {
	dur := d.Duration.Sample(rng)
	u := rng.Float64()
	for _, o := range d.Outcomes {
		if u < o.P {
			return dur, o.Status
		}
		u -= o.P
	}
	return dur, d.Outcomes[len(d.Outcomes)-1].Status
}

func (d Drawn) String() string {
	var b strings.Builder
	b.WriteString(d.Duration.String())
	b.WriteString("; outcomes")
	for i, o := range d.Outcomes {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, " %s %s", o.Status, ftoa(o.P))
	}
	return b.String()
}

// Scripted is a RunModel for tests and worked examples: run i (from 0) takes
// Runs[i], the last entry repeating once the script runs out. It draws
// nothing.
type Scripted []ScriptedRun

// A ScriptedRun is one run of a Scripted model.
type ScriptedRun struct {
	Duration time.Duration
	Status   RunStatus
}

// Draw implements RunModel; it is not safe for concurrent use.
func (s *Scripted) Draw(policy.Trigger, *rand.Rand) (time.Duration, RunStatus) {
	r := (*s)[0]
	if len(*s) > 1 {
		*s = (*s)[1:]
	}
	return r.Duration, r.Status
}

func (s *Scripted) String() string { return "scripted" }

package fit

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"runsim/policy"
	"runsim/scenario"
	"runsim/sim"
)

// DefaultTolerance is how far a predicted Retry-After (in whole seconds,
// rounded up) and a predicted run start may be from the observed ones and
// still agree: the client's clock and the service's, and the time a
// request spends on the wire, differ by about that much.
const DefaultTolerance = 2 * time.Second

// defaultBase is the scenario fit starts from without --base: the
// documented rules.
const defaultBase = `name: fit
start: 2025-01-06T00:00:00Z
horizon: 1d
`

// DefaultBase returns the scenario of the documented rules that fit and
// probe start from when none is given.
func DefaultBase() *scenario.Scenario {
	s, err := scenario.Parse("fit-default.yaml", []byte(defaultBase))
	if err != nil {
		panic(err) // a constant
	}
	return s
}

// A Predicted is what a reading says of one replay: the answer to each
// request, in order, and the runs that start.
type Predicted struct {
	Answers []sim.Answer
	Runs    []PredictedRun
}

// A PredictedRun is a run the replay started.
type PredictedRun struct {
	At      time.Time
	Trigger policy.Trigger
}

// replay is one replay's setting: the instants and clients of the
// requests, and where it starts and ends.
type replay struct {
	start, end time.Time
	times      []time.Time
	clients    []string
}

// config builds the engine configuration of scenario s for a replay: no
// clients of the scenario, one external client per client of the log.
func (rp *replay) config(s *scenario.Scenario) (sim.Config, error) {
	cfg, err := s.Config()
	if err != nil {
		return cfg, err
	}
	cfg.Start, cfg.End = rp.start, rp.end
	cfg.Clients = nil
	for _, c := range rp.clients {
		if !slices.ContainsFunc(cfg.Clients, func(x sim.Client) bool { return x.Name == c }) {
			cfg.Clients = append(cfg.Clients, sim.Client{Name: c, Arrivals: sim.At{}})
		}
	}
	return cfg, nil
}

// run replays the requests on cfg with the run model runs (nil: the
// scenario's own).
func (rp *replay) run(cfg sim.Config, runs *observedRuns) (Predicted, error) {
	if runs != nil {
		runs.reset()
		cfg.Runs = runs
	}
	var rec runRecorder
	eng, err := sim.New(cfg, &rec)
	if err != nil {
		return Predicted{}, err
	}
	if runs != nil {
		runs.eng = eng
	}
	p := Predicted{Answers: make([]sim.Answer, len(rp.times))}
	for i, t := range rp.times {
		if err := eng.AdvanceTo(t); err != nil {
			return Predicted{}, err
		}
		if p.Answers[i], err = eng.Request(rp.clients[i]); err != nil {
			return Predicted{}, err
		}
	}
	eng.Finish()
	p.Runs = rec.runs
	return p, nil
}

type runRecorder struct{ runs []PredictedRun }

func (r *runRecorder) Observe(e *sim.Event) {
	if e.Kind == sim.RunStarted {
		r.runs = append(r.runs, PredictedRun{At: e.At, Trigger: e.Trigger})
	}
}

// observedRuns is the run model of a fit: a run that starts near an
// observed run's start takes that run's duration and status; one that
// started nowhere near an observed run (a reading's run the service did
// not start) takes the fallback. A run still in progress when the runs
// were listed lasts past the replay's end.
type observedRuns struct {
	eng      *sim.Engine
	runs     []Run
	used     []bool
	tol      time.Duration
	fallback sim.ScriptedRun
	end      time.Time
}

func (m *observedRuns) reset() { m.used = make([]bool, len(m.runs)) }

// Draw implements sim.RunModel.
func (m *observedRuns) Draw(policy.Trigger, *rand.Rand) (time.Duration, sim.RunStatus) {
	now := m.eng.Now()
	best := -1
	for i, r := range m.runs {
		if m.used[i] || absDur(r.Start.Sub(now)) > m.tol {
			continue
		}
		if best < 0 || absDur(r.Start.Sub(now)) < absDur(m.runs[best].Start.Sub(now)) {
			best = i
		}
	}
	if best < 0 {
		return m.fallback.Duration, m.fallback.Status
	}
	m.used[best] = true
	r := m.runs[best]
	if r.Running() {
		return m.end.Sub(now) + time.Hour, sim.Completed
	}
	return max(r.End.Sub(r.Start), time.Millisecond), r.Status
}

func (m *observedRuns) String() string { return "the observed runs' durations and outcomes" }

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// retryAfterSeconds is a Retry-After as it goes over the wire: whole
// seconds, rounded up; -1 for none.
func retryAfterSeconds(d time.Duration) int {
	if d <= 0 {
		return -1
	}
	return int((d + time.Second - 1) / time.Second)
}

// answerText is an answer as the status line and Retry-After say it.
func answerText(status, retryAfter int) string {
	switch {
	case status == 429 && retryAfter >= 0:
		return "429 Retry-After " + strconv.Itoa(retryAfter)
	case status == 429:
		return "429 without Retry-After"
	}
	return strconv.Itoa(status)
}

// statusOf is the HTTP status of a predicted answer.
func statusOf(a sim.Answer) int {
	switch a.Kind {
	case sim.Accepted:
		return 202
	case sim.Throttled:
		if !a.Operation.IsZero() { // refusal: accepted-then-failed
			return 202
		}
		return 429
	case sim.Conflict:
		return 409
	}
	return 0
}

func fmtTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func horizonOf(d time.Duration) string {
	return fmt.Sprintf("%ds", int64((d+time.Second-1)/time.Second))
}

package sim

import (
	"encoding/binary"
	"encoding/hex"
	"time"

	"runsim/internal/enum"
	"runsim/policy"
)

// Kind is the kind of an Event.
type Kind uint8

// The event vocabulary, one trace line each.
const (
	RequestArrived   Kind = iota // a start request (an attempt) reached the service
	Accepted                     // 202 Accepted, with an operation and its Location
	Throttled                    // 429 Too Many Requests, with Retry-After when known
	Conflict                     // 409 Conflict: a run is in progress
	RunStarted                   // a run started (trigger scheduled or onDemand)
	RunFinished                  // a run finished with a status
	ScheduledDue                 // a system-scheduled run is due
	ScheduledSkipped             // a due scheduled run did not start, with a reason
	OperationChanged             // a long-running operation changed status
	RetryScheduled               // a client will try again at Event.Next
	GaveUp                       // a client gave up on a request

	// SlotsChanged is a measurement event, not a trace line: the slots of
	// the throttle in use changed (Event.Slots, Event.Area, Event.Change).
	// Trace writers leave it out, so traces do not depend on it.
	SlotsChanged
	numKinds
)

// numTraceKinds is the number of kinds a trace holds: those before
// SlotsChanged.
const numTraceKinds = int(SlotsChanged)

var kindNames = []string{
	"request-arrived", "accepted", "throttled", "conflict", "run-started", "run-finished",
	"scheduled-due", "scheduled-skipped", "operation-changed", "retry-scheduled", "gave-up",
	"slots-changed",
}

func (k Kind) String() string { return enum.Name(kindNames, k, "Kind") }

// Kinds returns every kind a trace holds, in the order of the vocabulary;
// the measurement kind SlotsChanged is not among them.
func Kinds() []Kind {
	ks := make([]Kind, numTraceKinds)
	for i := range ks {
		ks[i] = Kind(i)
	}
	return ks
}

// ParseKind returns the trace kind named s, as printed by Kind.String.
func ParseKind(s string) (Kind, bool) { return enum.Parse[Kind](kindNames[:numTraceKinds], s) }

// Measurement reports whether k is a measurement kind (SlotsChanged): an
// event observers may read but no trace holds.
func (k Kind) Measurement() bool { return k == SlotsChanged }

// SlotChange says why the slots of the throttle in use changed.
type SlotChange uint8

// The reasons of a SlotsChanged event.
const (
	// SlotTaken: a slot taken by a start the throttle allowed.
	SlotTaken SlotChange = iota
	// SlotForced: a slot taken without the throttle's leave: a refused
	// attempt (counting attempts), a scheduled run that is never refused,
	// a run counted when it completes.
	SlotForced
	// SlotGivenBack: a failed run gave its slot back.
	SlotGivenBack
	// SlotFreed: the slots fell by themselves (a slot expired, a window
	// ended, a bucket refilled), at the instant the limiter announced.
	SlotFreed
	// SlotHorizon: the end of the run, so that the last span is measured.
	SlotHorizon
	// SlotWarmup: the end of the warm-up (Config.Warmup), so that the
	// span before it and the span after it are measured apart.
	SlotWarmup
)

var slotChangeNames = []string{"taken", "forced", "given-back", "freed", "horizon", "warmup"}

func (c SlotChange) String() string { return enum.Name(slotChangeNames, c, "SlotChange") }

// RunStatus is the status of an industryDataRun.
type RunStatus uint8

// The industryDataRun statuses.
const (
	Running RunStatus = iota
	Completed
	CompletedWithErrors
	CompletedWithWarnings
	Failed
)

var runStatusNames = []string{"running", "completed", "completedWithErrors", "completedWithWarnings", "failed"}

func (s RunStatus) String() string { return enum.Name(runStatusNames, s, "RunStatus") }

// Succeeded reports whether s is one of the completed statuses, the runs
// the documented throttle counts as successful.
func (s RunStatus) Succeeded() bool {
	return s == Completed || s == CompletedWithErrors || s == CompletedWithWarnings
}

// ParseRunStatus returns the status named s (as in the Graph API).
func ParseRunStatus(s string) (RunStatus, bool) { return enum.Parse[RunStatus](runStatusNames, s) }

// OpStatus is the status of a longRunningOperation.
type OpStatus uint8

// The longRunningOperation statuses.
const (
	OpNotStarted OpStatus = iota
	OpRunning
	OpSucceeded
	OpFailed
)

var opStatusNames = []string{"notStarted", "running", "succeeded", "failed"}

func (s OpStatus) String() string { return enum.Name(opStatusNames, s, "OpStatus") }

// SkipReason says why a due scheduled run did not start.
type SkipReason uint8

// The reasons a scheduled run is skipped.
const (
	NotSkipped        SkipReason = iota
	SkipOnDemand                 // the skip rule, after an accepted on-demand start
	SkipRunInProgress            // a run was in progress and the overlap policy refuses
	SkipThrottled                // the throttle window was full
)

var skipReasonNames = []string{"", "on-demand", "run-in-progress", "throttled"}

func (r SkipReason) String() string { return enum.Name(skipReasonNames, r, "SkipReason") }

// OperationID is the id of a longRunningOperation, a GUID derived from the
// scenario seed and the operation's sequence number.
type OperationID [16]byte

// IsZero reports whether id is the zero id (no operation).
func (id OperationID) IsZero() bool { return id == OperationID{} }

func (id OperationID) String() string {
	if id.IsZero() {
		return ""
	}
	var b [36]byte
	hex.Encode(b[0:8], id[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], id[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], id[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], id[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], id[10:16])
	return string(b[:])
}

// Location is the path of the operation, as returned in the Location header
// of the 202 response.
func (id OperationID) Location() string {
	return "/external/industryData/operations/" + id.String()
}

func operationID(seed, n uint64) OperationID { return DerivedID(seed, 0, n) }

// DerivedID is the GUID number n of a family of ids (salt) under seed: the
// same arguments always give the same id, and operations are family 0.
// The emulator derives its runs' and requests' ids so.
func DerivedID(seed, salt, n uint64) OperationID {
	var id OperationID
	binary.BigEndian.PutUint64(id[0:8], splitmix(seed^splitmix(n^salt)))
	binary.BigEndian.PutUint64(id[8:16], splitmix(seed+n+salt))
	return id
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// An Event is one thing that happened in a run of the engine. Which fields
// are set depends on Kind; the others are zero.
type Event struct {
	At   time.Time // virtual instant, UTC
	Kind Kind
	// SlotsChanged only (a measurement event), with Slots and Area below;
	// kept here, in the padding after Kind, so that the event stays small.
	Change   SlotChange // why the slots changed
	Capacity int32      // the limiter's capacity (policy.Limiter.Capacity)

	Client  string // request events, and operation events: the client's name
	Request uint64 // request events: the request, shared by its attempts
	Attempt int    // request events: 1 for the first attempt

	Run       uint64         // run events: the run's sequence number
	Trigger   policy.Trigger // run events
	RunStatus RunStatus      // RunFinished

	Operation OperationID // Accepted, OperationChanged, run events of on-demand runs
	OpStatus  OpStatus    // OperationChanged
	Polls     int         // OperationChanged to succeeded or failed: the client's polls of its Location

	RetryAfter time.Duration // Throttled (0: no Retry-After), ScheduledSkipped by the throttle
	Reason     SkipReason    // ScheduledSkipped
	Nominal    time.Time     // ScheduledDue, ScheduledSkipped, RunStarted of a scheduled run: the nominal instant
	Cause      time.Time     // ScheduledSkipped by on-demand: when the request was accepted
	Next       time.Time     // RetryScheduled: when the client tries again
	// First is when the request was first tried: on Accepted, on
	// RunFinished of an on-demand run (its request's), and on the
	// RequestArrived of a first attempt (where it is At). Traces do not
	// hold it.
	First time.Time

	Slots float64 // SlotsChanged: the slots in use from At on (policy.Limiter.Taken)
	Area  float64 // SlotsChanged: slot·seconds in use since the previous SlotsChanged (or Start)
}

// An Observer receives the engine's events in order. The *Event is valid
// only during the call: an observer that keeps events must copy them, and
// must not change them (the engine reuses the event).
type Observer interface {
	Observe(e *Event)
}

// ObserverFunc adapts a function to an Observer.
type ObserverFunc func(e *Event)

// Observe implements Observer.
func (f ObserverFunc) Observe(e *Event) { f(e) }

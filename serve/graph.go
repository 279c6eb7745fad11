package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"runsim/policy"
	"runsim/sim"
)

// Graph's JSON shapes, as the beta reference pages give them.

// publicError is Graph's error body.
type publicError struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code       string     `json:"code"`
	Message    string     `json:"message"`
	InnerError innerError `json:"innerError"`
}

type innerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

// longRunningOperation is microsoft.graph.longRunningOperation.
type longRunningOperation struct {
	Context            string    `json:"@odata.context"`
	Type               string    `json:"@odata.type"`
	ID                 string    `json:"id"`
	CreatedDateTime    time.Time `json:"createdDateTime"`
	LastActionDateTime time.Time `json:"lastActionDateTime"`
	ResourceLocation   *string   `json:"resourceLocation"`
	Status             string    `json:"status"`
	StatusDetail       *string   `json:"statusDetail"`
}

// industryDataRun is microsoft.graph.industryData.industryDataRun.
type industryDataRun struct {
	Context       string       `json:"@odata.context,omitempty"`
	Type          string       `json:"@odata.type"`
	ID            string       `json:"id"`
	DisplayName   string       `json:"displayName"`
	StartDateTime time.Time    `json:"startDateTime"`
	EndDateTime   *time.Time   `json:"endDateTime"`
	Status        string       `json:"status"`
	BlockingError *errorDetail `json:"blockingError"`
}

type runCollection struct {
	Context  string            `json:"@odata.context"`
	NextLink string            `json:"@odata.nextLink,omitempty"`
	Value    []industryDataRun `json:"value"`
}

// industryDataRunStatistics is microsoft.graph.industryData.industryDataRunStatistics:
// the run's id and status; no activities and zero counts, since the engine
// models a run as a duration and an outcome, with no data connectors,
// activities or records behind it (see the package doc).
type industryDataRunStatistics struct {
	Context            string          `json:"@odata.context"`
	Type               string          `json:"@odata.type"`
	RunID              string          `json:"runId"`
	Status             string          `json:"status"`
	ActivityStatistics []struct{}      `json:"activityStatistics"`
	InboundTotals      inboundStatsAgg `json:"inboundTotals"`
}

type inboundStatsAgg struct {
	Type                  string     `json:"@odata.type"`
	Errors                int        `json:"errors"`
	Groups                int        `json:"groups"`
	Memberships           int        `json:"memberships"`
	Organizations         int        `json:"organizations"`
	People                int        `json:"people"`
	Warnings              int        `json:"warnings"`
	MatchedPeopleByRole   []struct{} `json:"matchedPeopleByRole"`
	UnmatchedPeopleByRole []struct{} `json:"unmatchedPeopleByRole"`
}

// writeJSON writes v with status; encoding errors of these plain shapes
// cannot happen, and a failed write is the client's loss.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":{"code":"InternalServerError","message":"encoding failed"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// guid is the GUID number n of the family salt under seed.
func guid(seed, salt, n uint64) string { return sim.DerivedID(seed, salt, n).String() }

const (
	saltRun     = 0x72756e // "run"
	saltRequest = 0x726571 // "req"
)

// throttledText is the message of a throttled start: the error of a 429,
// or the statusDetail of the failed operation of a start answered 202
// (refusal: accepted-then-failed).
func throttledText(retryAfter time.Duration) string {
	if retryAfter > 0 {
		return fmt.Sprintf("The service allows a limited number of runs in a window; try again in %s.", policy.FormatDuration(retryAfter))
	}
	return "The service allows a limited number of runs in a window; try again later."
}

// opStatusText is a longRunningOperation's statusDetail.
func opStatusText(st sim.OpStatus, run string) string {
	switch st {
	case sim.OpNotStarted:
		return "accepted; the run waits until the service is idle"
	case sim.OpRunning:
		return "run " + run + " is running"
	case sim.OpSucceeded:
		return "run " + run + " finished"
	}
	return "run " + run + " failed"
}

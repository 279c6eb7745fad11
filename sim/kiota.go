package sim

import (
	"fmt"
	"time"
)

// KiotaHTTPGo is the retry behaviour of the default client of
// github.com/microsoft/kiota-http-go (v1.5), the HTTP layer of the Microsoft
// Graph Go SDK, against this service, which sends Retry-After with every
// 429 and never 503 or 504:
//
//   - its retry handler retries 429 (and 503, 504) at most 3 times, so
//     4 attempts in all; it never retries 409 (ThrottleOnly);
//   - it waits Retry-After, read as seconds (runsim serve sends whole
//     seconds rounded up; a fraction would be cut off, time.Duration of
//     the float, so a client would come back early);
//   - the http.Client of GetDefaultClient has a Timeout of 100 s that spans
//     the retries and their waits: a retry due at or after 100 s from the
//     first attempt never happens (the call fails with "Client.Timeout
//     exceeded"), even though the handler itself would wait any
//     Retry-After once (its 180 s cumulative limit is checked before each
//     retry, against the waits so far, not the one to come).
//
// Without a Retry-After it would back off 3 s·2^(n-1) plus up to 1 s of
// jitter; this preset then backs off as AfterRetryAfter does, which is not
// the same.
func KiotaHTTPGo() Retry {
	return Retry{Kind: AfterRetryAfter, Delay: 3 * time.Second, Cap: 180 * time.Second, MaxAttempts: 4,
		RoundUp: true, Budget: 100 * time.Second, ThrottleOnly: true}
}

func (r Retry) clientString() string {
	r2 := r
	r2.RoundUp, r2.Budget, r2.ThrottleOnly = false, 0, false
	s := r2.String()
	if r.RoundUp {
		s += "; Retry-After read in whole seconds, rounded up"
	}
	if r.Budget > 0 {
		s += fmt.Sprintf("; gives up rather than retry %s or more after the first attempt (a client timeout)", fmtDur(r.Budget))
	}
	if r.ThrottleOnly {
		s += "; never retries 409"
	}
	return s
}

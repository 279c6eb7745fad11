package fit_test

import (
	"fmt"
	"strings"

	"runsim/fit"
)

// Five starts an hour apart are accepted and the sixth is throttled for
// 7 hours (no scheduled runs in the way): a sliding log or fixed windows
// aligned to midnight; a token bucket would have accepted it.
func Example() {
	requests, _ := fit.ReadRequests("requests.csv", strings.NewReader(`time,status,retry_after
2025-01-06T00:00:00Z,202,
2025-01-06T01:00:00Z,202,
2025-01-06T02:00:00Z,202,
2025-01-06T03:00:00Z,202,
2025-01-06T04:00:00Z,202,
2025-01-06T05:00:00Z,429,25200
`))
	var runs []string
	for h := range 5 {
		runs = append(runs, fmt.Sprintf(`{"id":"r%d","startDateTime":"2025-01-06T0%d:00:00Z","endDateTime":"2025-01-06T0%d:50:00Z","status":"completed"}`, h, h, h))
	}
	rs, _ := fit.ReadRuns("runs.json", []byte(`{"value":[`+strings.Join(runs, ",")+`]}`))
	res, err := fit.Fit(fit.Log{Requests: requests, Runs: rs}, fit.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	kinds := map[string]bool{}
	for _, r := range res.Readings() {
		kinds[r["service.throttle.kind"]] = true
	}
	fmt.Println("consistent window shapes:", kinds)
	for _, v := range res.Inconsistent {
		if v.Reading["service.throttle.kind"] == "token-bucket" {
			fmt.Println("a token bucket:", v.First)
			break
		}
	}
	// Output:
	// consistent window shapes: map[fixed:true sliding:true]
	// a token bucket: 2025-01-06T05:00:00Z request: observed 429 Retry-After 25200, predicted 202
}

package serve_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"time"

	"runsim/scenarios"
	"runsim/serve"
)

// A client asks for a run an hour apart, six times, against the emulator in
// virtual time: the sixth start is throttled, and Retry-After says how long
// until the first of the five slots frees. No real time passes.
func Example() {
	s, err := scenarios.Load("serve")
	if err != nil {
		fmt.Println(err)
		return
	}
	emu, err := serve.New(s, serve.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	ts := httptest.NewServer(emu)
	defer ts.Close()
	token, _ := serve.NewToken(serve.TokenOptions{Roles: []string{serve.PermRunStart}})

	for i := range 6 {
		if i > 0 {
			emu.Advance(time.Hour)
		}
		req, _ := http.NewRequest("POST", ts.URL+serve.Prefix+"/runs/start", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Println(err)
			return
		}
		res.Body.Close()
		fmt.Println(strings.TrimSpace(emu.Now().Format("15:04") + " " + res.Status + " " + res.Header.Get("Retry-After")))
	}
	sum, _ := emu.Summary("")
	fmt.Println("accepted", sum.Summary.Accepted, "throttled", sum.Summary.Throttled)
	// Output:
	// 00:00 202 Accepted
	// 01:00 202 Accepted
	// 02:00 202 Accepted
	// 03:00 202 Accepted
	// 04:00 202 Accepted
	// 05:00 429 Too Many Requests 25200
	// accepted 5 throttled 1
}

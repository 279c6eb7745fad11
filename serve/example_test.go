package serve_test

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"time"

	"runsim/scenarios"
	"runsim/serve"
)

// A start's operation moves on as the virtual clock does: running when the
// start is answered, succeeded once the clock has passed the end of its
// 10-minute run; the summary so far counts the run. The emulator is an
// http.Handler, called here in memory: no socket, no real time.
func Example() {
	s, err := scenarios.Load("serve")
	if err != nil {
		fmt.Println(err)
		return
	}
	emu, _ := serve.New(s, serve.Options{})
	token, _ := serve.NewToken(serve.TokenOptions{Roles: []string{serve.PermRunStart, serve.PermReadBasic}})
	call := func(method, url string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, url, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		emu.ServeHTTP(rec, req)
		return rec
	}

	location := call("POST", serve.Prefix+"/runs/start").Header().Get("Location")
	for range 2 {
		var op struct{ Status, StatusDetail string }
		json.Unmarshal(call("GET", location).Body.Bytes(), &op)
		fmt.Println(emu.Now().Format("15:04"), op.Status)
		emu.Advance(10 * time.Minute)
	}
	sum, _ := emu.Summary("")
	fmt.Println("runs succeeded:", sum.Summary.RunsSucceeded)
	// Output:
	// 00:00 running
	// 00:10 succeeded
	// runs succeeded: 1
}

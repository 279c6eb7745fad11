package fit

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// An Endpoint is a Graph endpoint to carry a plan out against.
type Endpoint struct {
	// BaseURL is Graph's base, e.g. https://graph.microsoft.com/beta; the
	// requests go to BaseURL/external/industryData/....
	BaseURL string
	Client  *http.Client // nil: http.DefaultClient
	// Token returns the bearer token of each request.
	Token func(ctx context.Context) (string, error)
	// Now and Sleep are the real clock, for an endpoint that is not
	// runsim's emulator; nil: time.Now and a timer.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// An Outcome is what carrying out a plan gave: the files fit reads.
type Outcome struct {
	Requests []Request
	Runs     []byte    // the pages of GET runs, as a JSON array of pages as returned
	Until    time.Time // when the runs were listed
	Emulator bool      // the endpoint was runsim's emulator: its clock was moved
	Shift    time.Duration
}

// MaxPages bounds the pages of runs Execute follows.
const MaxPages = 1000

// Execute carries the plan out: each start request at its instant, then
// the runs listed at the plan's Until. Against runsim's emulator (it
// answers GET /_runsim/clock) it moves the emulator's clock to each
// instant instead of waiting; otherwise it waits, the plan moved on by
// whole periods to come after now.
func Execute(ctx context.Context, p *Plan, ep Endpoint) (*Outcome, error) {
	if len(p.Requests) == 0 {
		return nil, errors.New("fit: the plan has no requests")
	}
	if ep.Client == nil {
		ep.Client = http.DefaultClient
	}
	if ep.Now == nil {
		ep.Now = time.Now
	}
	if ep.Sleep == nil {
		ep.Sleep = sleep
	}
	base := strings.TrimSuffix(ep.BaseURL, "/")
	u, err := url.Parse(base)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("fit: bad base URL %q: want e.g. https://graph.microsoft.com/beta", ep.BaseURL)
	}
	clock := u.Scheme + "://" + u.Host + "/_runsim/clock"
	out := &Outcome{}
	now, emu := emulatorNow(ctx, ep.Client, clock)
	out.Emulator = emu
	if !emu {
		now = ep.Now()
	}
	if p.Requests[0].Before(now) {
		period := max(p.Period, time.Hour)
		k := (now.Sub(p.Requests[0]) + period - 1) / period
		out.Shift = time.Duration(k) * period
	}
	wait := func(t time.Time) (time.Time, error) {
		if emu {
			return moveClock(ctx, ep.Client, clock, t)
		}
		if err := ep.Sleep(ctx, t.Sub(ep.Now())); err != nil {
			return time.Time{}, err
		}
		return ep.Now(), nil
	}
	for i, t := range p.Requests {
		at, err := wait(t.Add(out.Shift))
		if err != nil {
			return nil, err
		}
		q, err := start(ctx, ep, base)
		if err != nil {
			return nil, fmt.Errorf("fit: request %d of the plan: %w", i+1, err)
		}
		q.Time, q.Line, q.Client = at, i+2, "probe"
		out.Requests = append(out.Requests, q)
	}
	if out.Until, err = wait(p.Until.Add(out.Shift)); err != nil {
		return nil, err
	}
	if out.Runs, err = listRuns(ctx, ep, base+"/external/industryData/runs"); err != nil {
		return nil, err
	}
	return out, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// emulatorNow asks the emulator's clock; ok is false for an endpoint
// that is no emulator.
func emulatorNow(ctx context.Context, c *http.Client, clock string) (time.Time, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, clock, nil)
	if err != nil {
		return time.Time{}, false
	}
	res, err := c.Do(req)
	if err != nil {
		return time.Time{}, false
	}
	defer res.Body.Close()
	var v struct {
		Now time.Time `json:"now"`
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&v) != nil || v.Now.IsZero() {
		return time.Time{}, false
	}
	return v.Now, true
}

func moveClock(ctx context.Context, c *http.Client, clock string, t time.Time) (time.Time, error) {
	body, _ := json.Marshal(map[string]time.Time{"to": t})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, clock, bytes.NewReader(body))
	if err != nil {
		return time.Time{}, err
	}
	res, err := c.Do(req)
	if err != nil {
		return time.Time{}, fmt.Errorf("fit: moving the emulator's clock: %w", err)
	}
	defer res.Body.Close()
	var v struct {
		Now time.Time `json:"now"`
	}
	if res.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(res.Body, 1<<16)).Decode(&v) != nil {
		return time.Time{}, fmt.Errorf("fit: moving the emulator's clock to %s: %s", fmtTime(t), res.Status)
	}
	return v.Now, nil
}

func authorized(ctx context.Context, ep Endpoint, method, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	if ep.Token != nil {
		tok, err := ep.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("fit: getting a token: %w", err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return ep.Client.Do(req)
}

// start posts one start request and reads the answer.
func start(ctx context.Context, ep Endpoint, base string) (Request, error) {
	res, err := authorized(ctx, ep, http.MethodPost, base+"/external/industryData/runs/start")
	if err != nil {
		return Request{}, err
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	res.Body.Close()
	q := Request{Status: res.StatusCode, RetryAfter: -1}
	switch res.StatusCode {
	case http.StatusAccepted:
		q.Operation = res.Header.Get("Location")
	case http.StatusConflict:
	case http.StatusTooManyRequests:
		q.RetryAfter = parseRetryAfter(res.Header.Get("Retry-After"), res.Header.Get("Date"))
	default:
		return q, fmt.Errorf("answered %s: %s", res.Status, strings.TrimSpace(string(body)))
	}
	return q, nil
}

// parseRetryAfter reads Retry-After as seconds (rounded up) or as an
// HTTP-date measured from the answer's Date; -1 when absent or bad.
func parseRetryAfter(v, date string) int {
	if v == "" {
		return -1
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 {
		s := int(f)
		if float64(s) < f {
			s++
		}
		return s
	}
	at, err1 := http.ParseTime(v)
	d, err2 := http.ParseTime(date)
	if err1 != nil || err2 != nil {
		return -1
	}
	return max(retryAfterSeconds(at.Sub(d)), 0)
}

// listRuns gets every page of the runs, following @odata.nextLink.
func listRuns(ctx context.Context, ep Endpoint, u string) ([]byte, error) {
	var pages []json.RawMessage
	for range MaxPages {
		res, err := authorized(ctx, ep, http.MethodGet, u)
		if err != nil {
			return nil, fmt.Errorf("fit: listing the runs: %w", err)
		}
		body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
		res.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("fit: listing the runs: %w", err)
		}
		if res.StatusCode != http.StatusOK {
			return nil, fmt.Errorf("fit: listing the runs: %s: %s", res.Status, strings.TrimSpace(string(body)))
		}
		var page struct {
			Next string `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("fit: listing the runs: %w", err)
		}
		pages = append(pages, json.RawMessage(bytes.TrimSpace(body)))
		if page.Next == "" {
			var b bytes.Buffer
			b.WriteString("[\n")
			for i, p := range pages {
				if i > 0 {
					b.WriteString(",\n")
				}
				b.Write(p)
			}
			b.WriteString("\n]\n")
			return b.Bytes(), nil
		}
		u = page.Next
	}
	return nil, fmt.Errorf("fit: listing the runs: more than %d pages", MaxPages)
}

// WriteRequests writes requests as the CSV log ReadRequests reads.
func WriteRequests(w io.Writer, reqs []Request) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"time", "status", "retry_after", "client", "operation"})
	for _, q := range reqs {
		ra := ""
		if q.RetryAfter >= 0 {
			ra = strconv.Itoa(q.RetryAfter)
		}
		cw.Write([]string{fmtTime(q.Time), strconv.Itoa(q.Status), ra, q.Client, q.Operation})
	}
	cw.Flush()
	return cw.Error()
}

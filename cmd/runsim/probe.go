package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	azpolicy "github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"runsim/fit"
	"runsim/policy"
)

var probeUsage = `usage: runsim probe plan [--base SCENARIO] [--budget N] [--format text|json]
       runsim probe run --base-url URL [--base SCENARIO] [--budget N] [flags]

plan designs the cheapest experiment that tells the open readings apart: a
schedule of start requests, within a budget of starts (each start is a real
run and takes a slot; with every reading open, any request may start one),
chosen so that the readings answer it as differently as they can. It prints
the schedule and what each group of readings predicts.

run carries the plan out against a Graph endpoint (URL such as
https://graph.microsoft.com/beta, or runsim serve's http://127.0.0.1:8765/beta)
and writes the two files runsim fit reads. Against runsim's emulator it
moves the emulator's clock instead of waiting; against the service it waits
for each request's time, the plan moved on by whole schedule periods to
come after now, and for the plan's end before listing the runs.

  --base SCENARIO      what is known (schedule, limit, window, run
                       durations); the plan starts at its start. Default:
                       the documented rules
  --budget N           the most starts the plan may cost (default 6)
  --base-url URL       run: Graph's base URL
  --token-env VAR      run: read the bearer token from the environment
                       variable VAR; without it the token comes from the
                       standard Azure environment (AZURE_TENANT_ID,
                       AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) through the
                       Azure identity library, for the scope
                       https://graph.microsoft.com/.default
  --requests FILE      run: where to write the request log (default
                       requests.csv)
  --runs FILE          run: where to write the runs (default runs.json)

Exit code 0 when done; 2 for bad input, or an endpoint that fails.

` + fitSpec.help()

// probePlanFlags are the own flags of probe plan, and of probe run.
type probePlanFlags struct {
	base   string
	budget int
}

func (f *probePlanFlags) declare(fs *flag.FlagSet) {
	fs.StringVar(&f.base, "base", "", "")
	fs.IntVar(&f.budget, "budget", fit.DefaultBudget, "")
}

// options are what the plan is designed from.
func (f *probePlanFlags) options(c *call) (fit.PlanOptions, error) {
	if f.budget < 1 || f.budget > fit.MaxPlanRequests {
		return fit.PlanOptions{}, fmt.Errorf("--budget must be from 1 to %d, got %d", fit.MaxPlanRequests, f.budget)
	}
	base, err := c.fitBase(f.base)
	return fit.PlanOptions{Budget: f.budget, Base: base.Scenario}, err
}

// probeRunFlags are the own flags of probe run.
type probeRunFlags struct {
	probePlanFlags
	baseURL, tokenEnv, requests, runs string
}

func (f *probeRunFlags) declare(fs *flag.FlagSet) {
	f.probePlanFlags.declare(fs)
	stringFlags(fs, map[string]*string{"base-url": &f.baseURL, "token-env": &f.tokenEnv})
	fs.StringVar(&f.requests, "requests", "requests.csv", "")
	fs.StringVar(&f.runs, "runs", "runs.json", "")
}

func probePlanCmd(c *call, f *probePlanFlags) int {
	opts, err := f.options(c)
	if err != nil {
		return c.fail("%v", err)
	}
	plan, err := fit.Design(opts)
	if err != nil {
		return c.fail("%v", err)
	}
	if err := output(c.stdout, "", func(w io.Writer) error { return printPlan(w, c.sh.format, plan) }); err != nil {
		return c.fail("%v", err)
	}
	return exitOK
}

func probeRunCmd(c *call, f *probeRunFlags) int {
	opts, err := f.options(c)
	if err != nil {
		return c.fail("%v", err)
	}
	if f.baseURL == "" {
		return c.fail("run needs --base-url URL, e.g. https://graph.microsoft.com/beta")
	}
	token, err := tokenSource(f.tokenEnv)
	if err != nil {
		return c.fail("%v", err)
	}
	plan, err := fit.Design(opts)
	if err != nil {
		return c.fail("%v", err)
	}
	out, err := fit.Execute(c.ctx, plan, fit.Endpoint{BaseURL: f.baseURL, Token: token,
		Client: &http.Client{Timeout: time.Minute}})
	if err != nil {
		return c.fail("%v", err)
	}
	if err := output(nil, f.requests, func(w io.Writer) error { return fit.WriteRequests(w, out.Requests) }); err != nil {
		return c.fail("%v", fileError(f.requests, err))
	}
	c.wrote(fmt.Sprintf("%d requests", len(out.Requests)), f.requests)
	if err := output(nil, f.runs, func(w io.Writer) error { _, err := w.Write(out.Runs); return err }); err != nil {
		return c.fail("%v", fileError(f.runs, err))
	}
	c.wrote("the runs", f.runs)
	b := ""
	if f.base != "" {
		b = " --base " + f.base
	}
	fmt.Fprintf(c.stdout, "runsim fit --requests %s --runs %s --until %s%s\n", f.requests, f.runs, out.Until.UTC().Format(time.RFC3339), b)
	return exitOK
}

// tokenSource is where probe run's bearer tokens come from: an
// environment variable, or the Azure environment's credential.
func tokenSource(env string) (func(context.Context) (string, error), error) {
	if env != "" {
		tok := os.Getenv(env)
		if tok == "" {
			return nil, fmt.Errorf("--token-env %s: the variable is not set or empty", env)
		}
		return func(context.Context) (string, error) { return tok, nil }, nil
	}
	cred, err := azidentity.NewEnvironmentCredential(nil)
	if err != nil {
		return nil, fmt.Errorf("no token: give --token-env VAR, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (%v)", err)
	}
	return func(ctx context.Context) (string, error) {
		t, err := cred.GetToken(ctx, azpolicy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
		return t.Token, err
	}, nil
}

func printPlan(w io.Writer, format string, p *fit.Plan) error {
	if format == "json" {
		type group struct {
			Readings []fit.Reading `json:"readings"`
			Answers  []string      `json:"answers"`
			Runs     []time.Time   `json:"runs"`
		}
		o := struct {
			Requests []time.Time `json:"requests"`
			Until    time.Time   `json:"until"`
			Budget   int         `json:"budget"`
			Groups   []group     `json:"groups"`
		}{Requests: p.Requests, Until: p.Until, Budget: p.Budget}
		for _, g := range p.Groups {
			o.Groups = append(o.Groups, group{g.Readings, g.Answers, g.Runs})
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(o)
	}
	fmt.Fprintf(w, "%d start requests (budget %d starts), then the runs listed at %s:\n", len(p.Requests), p.Budget, p.Until.Format(time.RFC3339))
	for i, t := range p.Requests {
		fmt.Fprintf(w, "  %2d  %s  (+%s)\n", i+1, t.Format(time.RFC3339), policy.FormatDuration(t.Sub(p.Start)))
	}
	fmt.Fprintf(w, "\nthe open readings fall in %d groups that answer it differently; largest first:\n", len(p.Groups))
	for i, g := range p.Groups {
		fmt.Fprintf(w, "\ngroup %d (%d readings, e.g. %s):\n", i+1, len(g.Readings), g.Readings[0].Key())
		for j, a := range g.Answers {
			fmt.Fprintf(w, "  %s %s\n", p.Requests[j].Format("Jan 2 15:04"), a)
		}
		fmt.Fprintf(w, "  runs start at")
		for _, r := range g.Runs {
			fmt.Fprintf(w, " %s", r.Format("Jan 2 15:04:05"))
		}
		fmt.Fprintln(w)
	}
	return nil
}

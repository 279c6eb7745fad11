// Package serve is runsim's emulator of the Microsoft Graph industry data
// service's runs: the Graph surface (POST runs/start, GET operations/{id},
// GET runs, GET runs/{id} and its statistics, under
// /beta/external/industryData/) over the same engine and policies as
// runsim run, in virtual time that the caller holds.
//
// A [Server] is an http.Handler, ready for httptest.NewServer or an
// http.Server. Each request is injected into the engine (sim.Engine) at
// the virtual instant it arrives; work due on the way (runs finishing,
// scheduled runs, operation changes) happens as the clock passes it. The
// clock is [Manual] (time moves only with Advance or AdvanceTo, or
// POST /_runsim/clock), [Scaled] (Speed times the wall clock) or [System]
// (time.Now: in a testing/synctest bubble, the bubble's fake clock).
//
// Because the engine is the one of runsim run, a session is a scenario: the
// instants of its requests, given to runsim run as an explicit at: list of
// the client named [DefaultClient], give the same trace; Summary is that
// replay's summary.
//
// Answers follow Graph: 202 Accepted with an absolute Location of the
// operation; 429 with Retry-After in whole seconds rounded up (or an
// HTTP-date); 409 while a run is in progress; Graph's error body
// ({"error":{"code","message","innerError":{"date","request-id","client-request-id"}}})
// for every error, 404 and 405 included; request-id and client-request-id
// headers; Date from the virtual clock. A bearer token is required; its
// roles (application) or scp (delegated) must hold IndustryData-Run.Start
// to start, IndustryData-Run.Read.All to read runs and
// IndustryData.ReadBasic.All to read operations. Signatures are not
// verified unless Options.TokenSecret is set (HS256). Each tenant (the
// token's tid) has a service of its own; all share the clock.
//
// The emulator's own endpoints are under /_runsim: GET and POST clock,
// GET summary (runsim run's JSON, so far), GET trace (JSON lines),
// POST reset.
package serve

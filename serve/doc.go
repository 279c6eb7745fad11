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
// replay's summary, to the bit, read without a replay: each tenant's
// engine has a metrics collector from its start, and the summary so far
// closes the open spans (the throttle's occupancy, the age of the data) at
// now on a copy, leaving the live state as it was.
//
// Memory does not grow with the requests at a fixed virtual span: nothing
// is kept per request. A tenant keeps its operations and runs (Graph
// resources, which stay resolvable; they grow with the runs started, at
// most the throttle's limit per window), the operations of the latest
// [KeptRefusedOperations] starts refused under refusal: accepted-then-failed
// (an older one answers 404 saying so), and the latest Options.TraceEvents
// events of its trace ([DefaultTraceEvents], about 15 MiB; negative: none).
// Once the trace has dropped events, [Server.Trace] and [Server.Requests]
// return [ErrTraceTruncated] (whole or not at all), GET /_runsim/trace
// answers 507 TraceTooLong saying how many were dropped, and
// GET /_runsim/trace?tail=true gives the events kept, with the number
// dropped in the Runsim-Trace-Dropped header. The summary does not depend
// on the trace. A trace file that must hold the whole session is better
// streamed by an observer (Options.Observers), as runsim serve --trace does.
//
// Answers follow Graph: 202 Accepted with an absolute Location of the
// operation; 429 with Retry-After in whole seconds rounded up (or an
// HTTP-date); 409 while a run is in progress; Graph's error body
// ({"error":{"code","message","innerError":{"date","request-id","client-request-id"}}})
// for every error, 404 and 405 included; request-id and client-request-id
// headers; Date from the virtual clock. A request-id is a GUID derived
// from the seed and the request's number at the server, across tenants
// and endpoints, in the order requests reach it: a client that sends one
// request at a time gets the same ids in every session, but concurrent
// clients do not fix that order, so their ids differ from one session to
// the next (as does which of them meets which answer, when they ask at
// the same virtual instant). A bearer token is required; its
// roles (application) or scp (delegated) must hold IndustryData-Run.Start
// to start, IndustryData-Run.Read.All to read runs and
// IndustryData.ReadBasic.All to read operations. Signatures are not
// verified unless Options.TokenSecret is set (HS256). Each tenant (the
// token's tid) has a service of its own; all share the clock.
//
// GET runs/{id}/getStatistics answers Graph's industryDataRunStatistics
// with the run's id and status; its activities and counts (people, groups,
// organizations, memberships, errors, warnings) are empty and zero: the
// engine models a run as a duration and an outcome, with no data
// connectors, activities or records behind it, so a client can read the
// shape but no figure the emulator could stand by.
//
// The emulator's own endpoints are under /_runsim: GET and POST clock,
// GET summary (runsim run's JSON, so far), GET trace (JSON lines; ?tail=true
// for the events kept once some were dropped), POST reset.
package serve

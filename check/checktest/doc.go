// Package checktest runs scenarios from go test: Require and
// RequireScenario fail a test with the messages runsim check prints, and
// Events hands a test every event of a run for assertions of its own.
//
// It is kept apart from package check so that programs linking check (the
// runsim command among them) do not link package testing. Its functions take
// a TB, the part of testing.TB they use: pass the *testing.T.
package checktest

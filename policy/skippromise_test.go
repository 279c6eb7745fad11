package policy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestSkipPromiseOf(t *testing.T) {
	at := time.Date(2025, 1, 6, 4, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		rule               SkipRule
		holds              bool
		nextOnly, runStart bool
	}{
		{NextWithin{Lookahead: 10 * time.Hour}, true, true, false},
		{NextWithin{Lookahead: 10 * time.Hour, RunStart: true}, true, true, true},
		{AllWithin{Lookahead: 10 * time.Hour, RunStart: true}, true, false, true},
		{NextWithin{}, false, true, false},
		{AllWithin{}, false, false, false},
		{Reanchor{}, false, false, false},
		{NoSkip{}, false, false, false},
		{nil, false, false, false},
	} {
		p := SkipPromiseOf(tc.rule)
		assert.Equal(t, tc.holds, p.Holds(), "%v", tc.rule)
		assert.Equal(t, !tc.holds, p.Reason != "", "a promise of nothing says why: %v", tc.rule)
		assert.Equal(t, tc.nextOnly, p.NextOnly, "%v", tc.rule)
		assert.Equal(t, tc.runStart, p.RunStart, "%v", tc.rule)
		assert.Equal(t, tc.holds, p.Covers(at, at.Add(10*time.Hour)), "the lookahead is inclusive: %v", tc.rule)
		assert.False(t, p.Covers(at, at.Add(10*time.Hour+time.Millisecond)))
		assert.False(t, p.Covers(at, at), "a run due at the start itself")
		assert.False(t, p.Covers(time.Time{}, at), "no on-demand start yet")
	}
}

func TestBurstErrors(t *testing.T) {
	_, err := NewTokenBucket(5, time.Hour, 0)
	assert.EqualError(t, err, "policy: token bucket burst must be >= 1")
	_, err = NewGCRA(5, time.Hour, MaxLimit+1)
	assert.EqualError(t, err, "policy: GCRA burst must be at most 1000000, got 1000001")
	_, err = NewGCRA(0, time.Hour, 1)
	assert.EqualError(t, err, "policy: throttle limit must be >= 1")
}

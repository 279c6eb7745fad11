package suggest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNearest(t *testing.T) {
	commands := []string{"run", "sweep", "capacity", "compare", "check", "policies", "validate", "version", "help"}
	tests := []struct {
		name  string
		in    string
		known []string
		want  []string
	}{
		{name: "a letter missing", in: "rn", known: commands, want: []string{"run"}},
		{name: "two letters swapped", in: "cehck", known: commands, want: []string{"check"}},
		{name: "case ignored", in: "RUN", known: commands, want: []string{"run"}},
		{name: "exact is no suggestion", in: "run", known: commands, want: nil},
		{name: "far from everything", in: "simulate", known: commands, want: nil},
		{name: "ties are all given, in the known order", in: "rum", known: []string{"check", "run", "rug"}, want: []string{"run", "rug"}},
		{name: "of ties, a letter left out wins", in: "sed", known: []string{"set", "seed", "format"}, want: []string{"seed"}},
		{name: "a prefix of one name", in: "thrott", known: []string{"throttled", "accepted"}, want: []string{"throttled"}},
		{name: "a prefix of several is no suggestion", in: "thr", known: []string{"throttled", "throttled_fraction"}, want: nil},
		{name: "a family's short name", in: "skip", known: []string{"throttle", "skip-rule", "schedule"}, want: []string{"skip-rule"}},
		{name: "a variant kind", in: "slidng", known: []string{"sliding", "fixed", "token-bucket", "gcra", "none"}, want: []string{"sliding"}},
		{name: "a metric", in: "throttled_fracton", known: []string{"throttled", "throttled_fraction"}, want: []string{"throttled_fraction"}},
		{name: "empty", in: "", known: commands, want: nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Nearest(tc.in, tc.known))
		})
	}
}

func TestDidYouMean(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		known []string
		quote func(string) string
		want  string
	}{
		{name: "one", in: "rn", known: []string{"run"}, want: `did you mean "run"?`},
		{name: "two, as flags", in: "rum", known: []string{"run", "rug"}, quote: func(s string) string { return "--" + s }, want: "did you mean --run or --rug?"},
		{name: "three", in: "ab", known: []string{"ax", "ay", "az"}, want: `did you mean "ax", "ay" or "az"?`},
		{name: "none", in: "zzzzzz", known: []string{"run"}, want: ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, DidYouMean(tc.in, tc.known, tc.quote))
		})
	}
}

func TestPhrase(t *testing.T) {
	assert.Equal(t, "", Phrase(nil, nil))
	assert.Equal(t, `did you mean "policies/throttle-gcra"?`, Phrase([]string{"policies/throttle-gcra"}, nil))
	assert.Equal(t, "did you mean 'a' or 'b'?", Phrase([]string{"a", "b"}, func(s string) string { return "'" + s + "'" }))
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"", "abc", 3}, {"abc", "abc", 0}, {"abc", "acb", 1}, {"kitten", "sitting", 3}, {"ca", "abc", 3},
	}
	for _, tc := range tests {
		t.Run(tc.a+"/"+tc.b, func(t *testing.T) {
			assert.Equal(t, tc.want, distance(tc.a, tc.b))
			assert.Equal(t, tc.want, distance(tc.b, tc.a))
		})
	}
}

func TestOrList(t *testing.T) {
	for items, want := range map[string]string{"": "", "a": "a", "a b": "a or b", "a b c": "a, b or c"} {
		if got := OrList(strings.Fields(items)); got != want {
			t.Errorf("OrList(%q) = %q, want %q", items, got, want)
		}
	}
}

package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/scenario"
)

func TestPolicies(t *testing.T) {
	code, out, _ := runsim("policies")
	require.Equal(t, 0, code)
	for _, want := range []string{"THROTTLE (service.throttle.kind)", "sliding (default):", "token-bucket:", "gcra:", "fixed:",
		"SKIP RULE", "re-anchor:", "all-within:", "ON-DEMAND OVERLAP", "buffer-one:", "SCHEDULED OVERLAP", "delay-until-idle:",
		"SCHEDULE", "cron:", "ARRIVAL PROCESS", "profile:", "replay:", "RETRY", "backoff:", "DISTRIBUTION", "gamma:", "empirical:",
		"e.g. throttle: {kind: token-bucket, limit: 5, window: 12h, burst: 5}"} {
		assert.Contains(t, out, want)
	}
	code, out, _ = runsim("policies", "skip-rule")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "SKIP RULE")
	assert.NotContains(t, out, "THROTTLE")
	code, _, errOut := runsim("policies", "colour")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown family "colour" (known: throttle, skip-rule,`)
}

// TestPoliciesMarksTheRealDefaults (repro 7): the variant marked default is
// the one a scenario gets when it names none; runsim policies used to mark
// the first of each table, so constant passed for the default duration.
func TestPoliciesMarksTheRealDefaults(t *testing.T) {
	code, out, errOut := runsim("policies")
	require.Equal(t, 0, code, errOut)
	tests := []struct{ family, want string }{
		{"throttle", "sliding"},
		{"skip rule", "next-within"},
		{"on-demand overlap", "reject"},
		{"scheduled overlap", "skip"},
		{"schedule", "every"},
		{"retry", "give-up"},
		{"distribution", "lognormal"},
	}
	for _, tc := range tests {
		t.Run(tc.family, func(t *testing.T) {
			assert.Contains(t, out, "\n  "+tc.want+" (default): ")
		})
	}
	assert.Equal(t, len(tests), strings.Count(out, " (default): "), "one default per family, none for arrival processes")
	assert.NotContains(t, out, "constant (default)")
	assert.Contains(t, out, "median  1h50m")
}

// TestPoliciesFamilyByName: a family is named by its name, with dashes
// for spaces, or by the YAML key that selects it.
func TestPoliciesFamilyByName(t *testing.T) {
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"throttle"}, []string{"THROTTLE"}},
		{[]string{"skip"}, []string{"SKIP RULE"}},
		{[]string{"skip-rule"}, []string{"SKIP RULE"}},
		{[]string{"overlap"}, []string{"ON-DEMAND OVERLAP", "SCHEDULED OVERLAP"}},
		{[]string{"on_demand"}, []string{"ON-DEMAND OVERLAP"}},
		{[]string{"arrivals"}, []string{"ARRIVAL PROCESS"}},
		{[]string{"on_throttle"}, []string{"RETRY"}},
		{[]string{"duration"}, []string{"DISTRIBUTION"}},
		{[]string{"throttle", "throttle", "dist"}, []string{"THROTTLE", "DISTRIBUTION"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errOut := runsim(append([]string{"policies"}, tc.args...)...)
			require.Equal(t, 0, code, errOut)
			var headings []string
			for _, line := range strings.Split(out, "\n") {
				if line != "" && !strings.HasPrefix(line, " ") {
					headings = append(headings, strings.SplitN(line, " (", 2)[0])
				}
			}
			assert.Equal(t, tc.want, headings)
		})
	}
}

// TestPoliciesUnknownFamily lists the known names and suggests the nearest
// one when the name looks like a typo.
func TestPoliciesUnknownFamily(t *testing.T) {
	tests := []struct{ name, suggestion string }{
		{"throtle", `did you mean "throttle"?`},
		{"arival-process", `did you mean "arrival-process"?`},
		{"skp", `did you mean "skip"?`},
		{"colour", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runsim("policies", tc.name)
			assert.Equal(t, 2, code)
			assert.Empty(t, out)
			assert.Contains(t, errOut, `runsim policies: unknown family "`+tc.name+`" (known: throttle, skip-rule, `)
			if tc.suggestion == "" {
				assert.NotContains(t, errOut, "did you mean")
			} else {
				assert.Contains(t, errOut, tc.suggestion)
			}
		})
	}
}

// TestPoliciesPrintsEveryVariant: every variant of every table is listed
// with its options and its example.
func TestPoliciesPrintsEveryVariant(t *testing.T) {
	code, out, _ := runsim("policies")
	require.Equal(t, 0, code)
	for _, f := range scenario.Families() {
		for _, v := range f.Variants {
			assert.Contains(t, out, "  "+v.Name, f.Name)
			assert.Contains(t, out, "e.g. "+v.Example, f.Name)
			for _, o := range v.Options {
				assert.Contains(t, out, o.Doc, "%s %s %s", f.Name, v.Name, o.Name)
			}
		}
	}
}

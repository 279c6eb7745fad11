package reports

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMarkdownEscapesScenarioText: text that comes from a scenario (its
// name, description, client and variant names, its source) is shown as
// written in report.md, never read as HTML or Markdown, and cannot end a
// table row or the source's code block.
func TestMarkdownEscapesScenarioText(t *testing.T) {
	const evil = "</script><img src=x onerror=alert(1)>"
	tests := []struct {
		name    string
		page    Page
		absent  []string // raw text that must not reach the Markdown unescaped
		present []string // how it is shown instead
	}{
		{name: "markup in the scenario's name and description",
			page:    Page{Title: evil, Scenario: "s", Description: "line one\n| forged | row |\n" + evil, File: "a`b.yaml"},
			absent:  []string{"<img", "</script>", "\n| forged"},
			present: []string{`\</script\>\<img src=x onerror=alert(1)\>`, "``a`b.yaml``", `line one \| forged \| row \|`}},
		{name: "the scenario's name in a code span, where Markdown reads no HTML",
			page:    Page{Title: "t", Scenario: evil + "\nx", File: "f.yaml"},
			present: []string{"Scenario `" + evil + " x` (`f.yaml`)"}},
		{name: "markup in a client name, in the assumptions",
			page:    Page{Title: "t", Assumptions: []Assumption{{Key: "client " + evil, Value: "a|b\nc"}}},
			absent:  []string{"<img", "a|b"},
			present: []string{`| client \</script\>\<img src=x onerror=alert(1)\> | a\|b c |`}},
		{name: "a fence in the source",
			page:    Page{Title: "t", Source: "name: x\n```\n<img>\n"},
			present: []string{"````yaml\nname: x\n```\n<img>\n````\n"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			md := tc.page.markdown()
			for _, s := range tc.absent {
				assert.NotRegexp(t, `(^|[^\\])`+regexp.QuoteMeta(s), md)
			}
			for _, s := range tc.present {
				assert.Contains(t, md, s)
			}
			assert.Equal(t, 0, strings.Count(md, "\r"))
		})
	}
}

package scenario

import (
	"fmt"
	"strings"
)

// VariantTables returns README's reference of the policy variants as
// Markdown: one table per family, generated from the variant tables, so
// that the README cannot disagree with them (go test ./scenario -update
// rewrites the README's section).
func VariantTables() string {
	var b strings.Builder
	for i, f := range Families() {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "#### %s%s (`%s`)\n\n", strings.ToUpper(f.Name[:1]), f.Name[1:], f.Field)
		b.WriteString("| variant | meaning | options (default) | example |\n|---|---|---|---|\n")
		for _, v := range f.Variants {
			name := "`" + v.Name + "`"
			if v.Name == f.Default {
				name += " (default)"
			}
			var opts []string
			for _, o := range v.Options {
				opts = append(opts, fmt.Sprintf("`%s` (%s)", o.Name, o.Default))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | `%s` |\n", name, cell(v.Doc), cell(strings.Join(opts, ", ")), v.Example)
		}
	}
	return b.String()
}

// cell escapes the pipes of a table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

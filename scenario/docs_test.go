package scenario

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	tablesBegin = "<!-- BEGIN variant tables: generated from scenario's variant tables by go test ./scenario -update -->\n"
	tablesEnd   = "<!-- END variant tables -->\n"
)

// TestREADMEVariantTables keeps README's variant tables the ones the
// tables generate; go test ./scenario -update rewrites them.
func TestREADMEVariantTables(t *testing.T) {
	const path = "../README.md"
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(data)
	i, j := strings.Index(readme, tablesBegin), strings.Index(readme, tablesEnd)
	require.True(t, i >= 0 && j > i, "README.md lacks the markers of the variant tables")
	got := readme[i+len(tablesBegin) : j]
	if *update {
		readme = readme[:i+len(tablesBegin)] + VariantTables() + readme[j:]
		require.NoError(t, os.WriteFile(path, []byte(readme), 0o644))
		got = VariantTables()
	}
	assert.Equal(t, VariantTables(), got, "README's variant tables are out of date: run go test ./scenario -update")
}

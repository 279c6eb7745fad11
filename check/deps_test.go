package check

import (
	"go/build"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDoesNotLinkTesting: package check and everything of runsim it
// imports stay free of package testing (checktest is for go test users).
func TestDoesNotLinkTesting(t *testing.T) {
	seen := map[string]bool{}
	var walk func(path string)
	walk = func(path string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.Default.Import(path, ".", 0)
		require.NoError(t, err, path)
		for _, imp := range pkg.Imports {
			assert.NotEqual(t, "testing", imp, "%s imports testing", path)
			if imp == "runsim" || strings.HasPrefix(imp, "runsim/") {
				walk(imp)
			}
		}
	}
	walk("runsim/check")
	assert.True(t, seen["runsim/experiment"], "the walk follows runsim's imports")
}

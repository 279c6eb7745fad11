package scenarios_test

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"runsim/scenario"
	"runsim/scenarios"
)

// TestLibraryMatchesFolder: the embedded library is exactly the YAML files
// of this folder, and each one loads the same from the binary as from disk.
func TestLibraryMatchesFolder(t *testing.T) {
	var onDisk []string
	require.NoError(t, fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) == ".yaml" && !strings.HasPrefix(p, "testdata") {
			onDisk = append(onDisk, strings.TrimSuffix(p, ".yaml"))
		}
		return err
	}))
	assert.Equal(t, onDisk, scenarios.Names())
	for _, name := range scenarios.Names() {
		embedded, err := scenarios.Load(name)
		require.NoError(t, err, name)
		disk, err := scenario.Load(name + ".yaml")
		require.NoError(t, err, name)
		assert.Equal(t, disk.File, embedded.File, name)
	}
}

func TestUnknownName(t *testing.T) {
	_, err := scenarios.Load("documnted")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `no scenario "documnted" in the library`)
	assert.Contains(t, err.Error(), "documented")
}

// A scenario of the library is loaded by name, with overrides as --set
// takes them.
func ExampleLoad() {
	s, err := scenarios.Load("documented", "service.throttle.limit=6")
	if err != nil {
		panic(err)
	}
	fmt.Println(s.File.Name, s.File.Service.Throttle.Limit)
	// Output: documented 6
}

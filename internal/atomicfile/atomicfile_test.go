package atomicfile

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "trace.csv")
	require.NoError(t, os.WriteFile(path, []byte("older\n"), 0o644))

	f, err := Create(path)
	require.NoError(t, err)
	_, err = f.WriteString("half a trace")
	require.NoError(t, err)
	f.Abort()
	data, _ := os.ReadFile(path)
	assert.Equal(t, "older\n", string(data), "an aborted write leaves the older file alone")

	f, err = Create(path)
	require.NoError(t, err)
	_, err = f.WriteString("whole trace\n")
	require.NoError(t, err)
	partial, _ := os.ReadFile(path)
	assert.Equal(t, "older\n", string(partial), "nothing shows at the destination before Commit")
	require.NoError(t, f.Commit())
	f.Abort() // after Commit: a no-op
	data, _ = os.ReadFile(path)
	assert.Equal(t, "whole trace\n", string(data))

	require.NoError(t, Write(path, []byte("third\n")))
	data, _ = os.ReadFile(path)
	assert.Equal(t, "third\n", string(data))

	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "no temporary files left behind")

	assert.Error(t, Write(filepath.Join(dir, "missing", "x"), nil))
}

func ExampleWrite() {
	dir, _ := os.MkdirTemp("", "atomicfile")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "summary.json")
	if err := Write(path, []byte("{}\n")); err != nil {
		panic(err)
	}
	data, _ := os.ReadFile(path)
	os.Stdout.Write(data)
	// Output: {}
}

package scenario

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestEveryErrorOfAFile: a file with several mistakes gets them all, each
// at its line and column, in the order of the file, as compilers report
// them (only the first was reported); past MaxErrors a last line says how
// many more.
func TestEveryErrorOfAFile(t *testing.T) {
	text := `name: many
start: 2025-01-06T00:00:00Z
horizon: 2d
sevrice: {}
clients:
  - {name: a, arrivals: {poisson: {rate: fast}}}
  - {name: b, arivals: {poisson: {rate: 1/h}}}
`
	_, err := Parse("many.yaml", []byte(text))
	require.Error(t, err)
	lines := strings.Split(err.Error(), "\n")
	require.Len(t, lines, 3, err.Error())
	assert.True(t, strings.HasPrefix(lines[0], `many.yaml:4:1: unknown field "sevrice"`), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "many.yaml:6:"), lines[1])
	assert.Contains(t, lines[1], "rate")
	assert.True(t, strings.HasPrefix(lines[2], `many.yaml:7:15: unknown field "arivals"`), lines[2])
	var first *Error
	require.True(t, errors.As(err, &first), "errors.As finds the first")
	assert.Equal(t, 4, first.Line)

	var b strings.Builder
	b.WriteString("name: capped\nstart: 2025-01-06T00:00:00Z\nhorizon: 2d\n")
	for i := range MaxErrors + 5 {
		fmt.Fprintf(&b, "typo%d: 1\n", i)
	}
	_, err = Parse("capped.yaml", []byte(b.String()))
	require.Error(t, err)
	lines = strings.Split(err.Error(), "\n")
	require.Len(t, lines, MaxErrors+1)
	assert.Equal(t, "capped.yaml: ... and 5 more errors", lines[MaxErrors])

	_, err = Parse("one.yaml", []byte("name: one\nstart: 2025-01-06T00:00:00Z\nhorizon: 2d\nsevrice: {}\n"))
	var one *Error
	require.True(t, errors.As(err, &one))
	assert.Equal(t, one, err, "a single error is the *Error itself, as before")
}

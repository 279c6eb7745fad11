package enum

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

type color uint8

var colorNames = []string{"red", "green"}

func TestNameAndParse(t *testing.T) {
	assert.Equal(t, "green", Name(colorNames, color(1), "color"))
	assert.Equal(t, "color(7)", Name(colorNames, color(7), "color"), "past the table")
	c, ok := Parse[color](colorNames, "green")
	assert.True(t, ok)
	assert.Equal(t, color(1), c)
	_, ok = Parse[color](colorNames, "blue")
	assert.False(t, ok)
}

func Example() {
	type phase uint8
	names := []string{"notStarted", "running"}
	p, _ := Parse[phase](names, "running")
	fmt.Println(p, Name(names, p, "phase"), Name(names, phase(2), "phase"))
	// Output: 1 running phase(2)
}

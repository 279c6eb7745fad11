package grid

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestPointsFirstVariesSlowest(t *testing.T) {
	self := func(vs []string) []string { return vs }
	assert.Equal(t, [][]string{{"1", "x"}, {"1", "y"}, {"2", "x"}, {"2", "y"}},
		Points([][]string{{"1", "2"}, {"x", "y"}}, self))
	assert.Equal(t, [][]string{{}}, Points[[]string](nil, self), "no params: one point")
	assert.Empty(t, Points([][]string{{"1"}, {}}, self), "a param without values: no point")
}

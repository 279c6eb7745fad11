package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBadUsage(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, 2, run([]string{"-form", "medium"}, &out, &errb))
	assert.Contains(t, errb.String(), `unknown form "medium"`)
	errb.Reset()
	assert.Equal(t, 2, run([]string{"-nope"}, &out, &errb))
	assert.Empty(t, out.String())
}

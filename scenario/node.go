package scenario

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v4"
)

// node is one YAML node with its position: the little the strict decoder
// needs of go.yaml.in/yaml/v4's node tree. Aliases are resolved:
// an alias is the node its anchor names.
type node struct {
	kind      nodeKind
	tag       string // scalars: !!str, !!int, !!float, !!bool or !!null
	value     string // scalars
	line, col int
	content   []*node // mappings: key, value, key, value...; lists: items
	origin    string  // where a node not in the file came from, e.g. "--set a.b=c"
}

type nodeKind uint8

const (
	scalarNode nodeKind = iota
	mappingNode
	sequenceNode
)

// syntaxError is a YAML syntax error at a line and column.
type syntaxError struct {
	line, col int
	msg       string
}

func (e *syntaxError) Error() string { return e.msg }

// parseYAML parses one YAML document. It returns nil for an empty one.
func parseYAML(data []byte) (*node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, loadError(err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, &syntaxError{line: max(next.Line, 1), col: 1, msg: "one scenario per file: a second YAML document starts here"}
	case !errors.Is(err, io.EOF):
		return nil, loadError(err)
	}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil
		}
		root = root.Content[0]
	}
	return convert(root, map[*yaml.Node]*node{}), nil
}

// loadError turns a YAML syntax error into one with a line and column.
func loadError(err error) error {
	var le *yaml.LoadError
	if errors.As(err, &le) && le.Mark.Line > 0 {
		msg := le.Message
		if le.ContextMsg != "" && le.ContextMark.Line > 0 {
			msg += fmt.Sprintf(" (%s at %d:%d)", le.ContextMsg, le.ContextMark.Line, le.ContextMark.Column)
		}
		return &syntaxError{line: le.Mark.Line, col: max(le.Mark.Column, 1), msg: msg}
	}
	return &syntaxError{line: 1, col: 1, msg: err.Error()}
}

// convert copies a yaml.Node tree; aliases become the node they name, so
// the decoder sees a plain tree (the conversion of each node is kept in
// seen, which also ends alias cycles).
func convert(n *yaml.Node, seen map[*yaml.Node]*node) *node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if out, ok := seen[n]; ok {
		return out
	}
	out := &node{line: n.Line, col: n.Column, value: n.Value}
	seen[n] = out
	switch n.Kind {
	case yaml.MappingNode:
		out.kind = mappingNode
	case yaml.SequenceNode:
		out.kind = sequenceNode
	default:
		out.kind, out.tag = scalarNode, n.ShortTag()
	}
	for _, c := range n.Content {
		out.content = append(out.content, convert(c, seen))
	}
	return out
}

package scenarios

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// node is one YAML node with its position: the little the strict decoder
// needs of github.com/goccy/go-yaml's syntax tree. Aliases are resolved:
// an alias is the node its anchor names.
type node struct {
	kind      nodeKind
	tag       string // scalars: !!str, !!int, !!float, !!bool or !!null
	value     string // scalars
	line, col int
	content   []*node // mappings: key, value, key, value...; lists: items
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
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		var pe interface {
			GetToken() *token.Token
			GetMessage() string
		}
		if errors.As(err, &pe) && pe.GetToken() != nil {
			p := pe.GetToken().Position
			return nil, &syntaxError{line: p.Line, col: p.Column, msg: pe.GetMessage()}
		}
		return nil, &syntaxError{line: 1, col: 1, msg: err.Error()}
	}
	var docs []*ast.DocumentNode
	for _, d := range f.Docs {
		if d != nil && d.Body != nil {
			docs = append(docs, d)
		}
	}
	if len(docs) == 0 {
		return nil, nil
	}
	if len(docs) > 1 {
		p := position(docs[1].Body)
		line := p.Line
		if docs[1].Start != nil {
			line = docs[1].Start.Position.Line
		}
		return nil, &syntaxError{line: line, col: 1, msg: "one scenario per file: a second YAML document starts here"}
	}
	c := converter{anchors: map[string]*node{}}
	return c.convert(docs[0].Body)
}

func position(n ast.Node) *token.Position {
	if t := n.GetToken(); t != nil && t.Position != nil {
		return t.Position
	}
	return &token.Position{Line: 1, Column: 1}
}

type converter struct {
	anchors map[string]*node
}

func (c *converter) convert(n ast.Node) (*node, error) {
	p := position(n)
	out := &node{line: p.Line, col: p.Column}
	scalar := func(tag, value string) (*node, error) {
		out.kind, out.tag, out.value = scalarNode, tag, value
		return out, nil
	}
	switch n := n.(type) {
	case *ast.MappingNode:
		out.kind = mappingNode
		if !n.IsFlowStyle && len(n.Values) > 0 { // a block mapping is where its first key is
			p := position(n.Values[0].Key)
			out.line, out.col = p.Line, p.Column
		}
		for _, kv := range n.Values {
			if err := c.pair(out, kv); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *ast.MappingValueNode:
		out.kind = mappingNode
		p := position(n.Key)
		out.line, out.col = p.Line, p.Column
		return out, c.pair(out, n)
	case *ast.SequenceNode:
		out.kind = sequenceNode
		for _, v := range n.Values {
			item, err := c.convert(v)
			if err != nil {
				return nil, err
			}
			out.content = append(out.content, item)
		}
		return out, nil
	case *ast.StringNode:
		return scalar("!!str", n.Value)
	case *ast.LiteralNode:
		return scalar("!!str", n.Value.Value)
	case *ast.IntegerNode:
		return scalar("!!int", n.GetToken().Value)
	case *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		return scalar("!!float", n.GetToken().Value)
	case *ast.BoolNode:
		return scalar("!!bool", fmt.Sprint(n.Value))
	case *ast.NullNode:
		return scalar("!!null", "")
	case *ast.MergeKeyNode:
		return scalar("!!merge", "<<")
	case *ast.MappingKeyNode:
		return c.convert(n.Value)
	case *ast.AnchorNode:
		v, err := c.convert(n.Value)
		if err != nil {
			return nil, err
		}
		c.anchors[n.Name.GetToken().Value] = v
		return v, nil
	case *ast.AliasNode:
		name := n.Value.GetToken().Value
		v, ok := c.anchors[name]
		if !ok {
			return nil, &syntaxError{line: p.Line, col: p.Column, msg: fmt.Sprintf("unknown alias *%s", name)}
		}
		return v, nil
	case *ast.TagNode:
		v, err := c.convert(n.Value)
		if err != nil {
			return nil, err
		}
		if tag := n.Start.Value; v.kind == scalarNode && strings.HasPrefix(tag, "!!") {
			cp := *v
			cp.tag = tag
			return &cp, nil
		}
		return v, nil
	}
	return nil, &syntaxError{line: p.Line, col: p.Column, msg: fmt.Sprintf("unsupported YAML (%s)", n.Type())}
}

func (c *converter) pair(m *node, kv *ast.MappingValueNode) error {
	k, err := c.convert(kv.Key)
	if err != nil {
		return err
	}
	var v *node
	if kv.Value == nil {
		p := position(kv)
		v = &node{kind: scalarNode, tag: "!!null", line: p.Line, col: p.Column}
	} else if v, err = c.convert(kv.Value); err != nil {
		return err
	}
	m.content = append(m.content, k, v)
	return nil
}

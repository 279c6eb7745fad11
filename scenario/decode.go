package scenario

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Error is a bad scenario: where and what. Errors from a --set override name
// the override instead of a line and column.
type Error struct {
	File      string
	Line, Col int
	Set       string // where a value not in the file came from, e.g. "--set a.b=c"
	Msg       string
}

func (e *Error) Error() string {
	switch {
	case e.Set != "":
		return fmt.Sprintf("%s: %s: %s", e.File, e.Set, e.Msg)
	case e.Line == 0:
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	case e.Col == 0:
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// MaxErrors is how many errors of one scenario file are reported; past it,
// a last line says how many more there are.
const MaxErrors = 20

// Errors are every error found in one scenario file, in the order of the
// file, as compilers report them: decoding goes on past a field that is
// wrong, and a struct whose fields have errors is not validated further
// (so that one mistake does not cascade). errors.As finds its first
// *Error.
type Errors []*Error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i == MaxErrors {
			fmt.Fprintf(&b, "\n%s: ... and %d more errors", e.File, len(es)-MaxErrors)
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// collect appends err (an *Error or Errors) to es.
func collect(es Errors, err error) Errors {
	switch e := err.(type) {
	case Errors:
		return append(es, e...)
	case *Error:
		return append(es, e)
	}
	return append(es, &Error{Msg: err.Error()})
}

// result is es as an error: nil, its only *Error, or all of them.
func (es Errors) result() error {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return es
}

// A scalar is a type decoded from one YAML scalar.
type scalar interface {
	decodeScalar(n *node) error
}

// A validator is a struct that checks itself once decoded. A *fieldError it
// returns is placed at the value of that field (a dotted path below the
// struct, sequence items by index), or at the struct when the field is
// absent.
type validator interface {
	validate() error
}

// A defaulter sets its defaults when the decoder allocates it, as for each
// item of a list.
type defaulter interface {
	setDefaults()
}

type fieldError struct {
	field string
	msg   string
}

func (e *fieldError) Error() string { return e.field + ": " + e.msg }

func errAt(field, format string, args ...any) error {
	return &fieldError{field: field, msg: fmt.Sprintf(format, args...)}
}

// decoder maps YAML nodes onto Go values strictly: unknown or duplicate
// keys, wrong kinds and bad scalars are errors at their line and column.
type decoder struct {
	file  string
	files fileSource // where files named by the scenario are read from
}

// A loader reads the files a field names, relative to the scenario file,
// once the field is decoded and valid.
type loader interface {
	load(src fileSource) error
}

func (d *decoder) errorf(n *node, path, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if path != "" {
		msg = path + ": " + msg
	}
	if n.origin != "" {
		return &Error{File: d.file, Set: n.origin, Msg: msg}
	}
	return &Error{File: d.file, Line: n.line, Col: n.col, Msg: msg}
}

func join(path, name string) string {
	if name == "" {
		return path
	}
	if path == "" {
		return name
	}
	return path + "." + name
}

var kindNames = map[nodeKind]string{sequenceNode: "a list", mappingNode: "a mapping", scalarNode: "a value"}

// A holder holds one of several registered types, named by its one key
// (Arrivals): it decodes itself, with the decoder for what it holds, and
// says what it holds for validateTree (name "" when it holds nothing it
// knows; its own validator then refuses it).
type holder interface {
	nodeDecoder
	held() (name string, v any)
}

// A rawDecoder keeps the node itself.
type rawDecoder interface {
	decodeRaw(n *node) error
}

// A nodeDecoder decodes itself with the decoder's help, for a type whose
// fields depend on its content (an expectation's kind).
type nodeDecoder interface {
	decodeNode(d *decoder, n *node, path string) error
}

func (d *decoder) decode(n *node, v reflect.Value, path string) error {
	if nd, ok := v.Addr().Interface().(nodeDecoder); ok { // holders and expectations
		return nd.decodeNode(d, n, path)
	}
	if r, ok := v.Addr().Interface().(rawDecoder); ok {
		if err := r.decodeRaw(n); err != nil {
			return d.errorf(n, path, "%v", err)
		}
		return nil
	}
	if s, ok := v.Addr().Interface().(scalar); ok {
		if n.kind != scalarNode || n.tag == "!!null" {
			return d.errorf(n, path, "expected a value, got %s", describe(n))
		}
		if err := s.decodeScalar(n); err != nil {
			return d.errorf(n, path, "%v", err)
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
			if d, ok := v.Interface().(defaulter); ok {
				d.setDefaults()
			}
		}
		return d.decode(n, v.Elem(), path)
	case reflect.Struct:
		return d.decodeStruct(n, v, path)
	case reflect.Slice:
		if n.kind != sequenceNode {
			return d.errorf(n, path, "expected a list, got %s", describe(n))
		}
		s := reflect.MakeSlice(v.Type(), len(n.content), len(n.content))
		var errs Errors
		for i, item := range n.content {
			if err := d.decode(item, s.Index(i), join(path, strconv.Itoa(i))); err != nil {
				errs = collect(errs, err)
			}
		}
		if len(errs) > 0 {
			return errs.result()
		}
		v.Set(s)
		return nil
	case reflect.Map:
		if n.kind != mappingNode || v.Type().Key().Kind() != reflect.String {
			return d.errorf(n, path, "expected a mapping, got %s", describe(n))
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.content)/2) // replaces, never merges with a default
		for i := 0; i+1 < len(n.content); i += 2 {
			key, val := n.content[i], n.content[i+1]
			if key.kind != scalarNode {
				return d.errorf(key, path, "expected a key, got %s", describe(key))
			}
			if m.MapIndex(reflect.ValueOf(key.value)).IsValid() {
				return d.errorf(key, join(path, key.value), "set twice")
			}
			elem := reflect.New(v.Type().Elem()).Elem()
			if err := d.decode(val, elem, join(path, key.value)); err != nil {
				return err
			}
			m.SetMapIndex(reflect.ValueOf(key.value), elem)
		}
		v.Set(m)
		return nil
	}
	if p, ok := plainKinds[v.Kind()]; ok {
		x, err := p.parse(n.value)
		if n.kind != scalarNode || !p.tagged(n.tag) || err != nil {
			return d.errorf(n, path, "expected %s, got %s", p.want, describe(n))
		}
		v.Set(reflect.ValueOf(x).Convert(v.Type()))
		return nil
	}
	return d.errorf(n, path, "cannot decode into %s", v.Type())
}

// A plainKind is how a scalar decodes into a Go value of one kind that
// has no decoder of its own: the tags it may have (none: any but null),
// what an error says was expected, and its parser.
type plainKind struct {
	tags  []string
	want  string
	parse func(s string) (any, error)
}

func (p plainKind) tagged(tag string) bool {
	if p.tags == nil {
		return tag != "!!null"
	}
	return slices.Contains(p.tags, tag)
}

var (
	integer    = plainKind{[]string{"!!int"}, "an integer", func(s string) (any, error) { return strconv.ParseInt(s, 0, 64) }}
	plainKinds = map[reflect.Kind]plainKind{
		reflect.String:  {nil, "a string", func(s string) (any, error) { return s, nil }},
		reflect.Int:     integer,
		reflect.Int64:   integer,
		reflect.Uint64:  {[]string{"!!int"}, "a whole number >= 0", func(s string) (any, error) { return strconv.ParseUint(s, 0, 64) }},
		reflect.Float64: {[]string{"!!int", "!!float"}, "a number", func(s string) (any, error) { return strconv.ParseFloat(s, 64) }},
		reflect.Bool:    {[]string{"!!bool"}, "true or false", func(s string) (any, error) { return s == "true", nil }},
	}
)

func describe(n *node) string {
	if n.kind == scalarNode {
		if n.tag == "!!null" {
			return "nothing"
		}
		return strconv.Quote(n.value)
	}
	return kindNames[n.kind]
}

type fieldInfo struct {
	name  string
	index int
}

func fieldsOf(t reflect.Type) []fieldInfo {
	var fs []fieldInfo
	for i := range t.NumField() {
		tag := t.Field(i).Tag.Get("yaml")
		if tag == "" || tag == "-" {
			continue
		}
		fs = append(fs, fieldInfo{name: tag, index: i})
	}
	return fs
}

func (d *decoder) decodeStruct(n *node, v reflect.Value, path string) error {
	if n.kind != mappingNode {
		return d.errorf(n, path, "expected a mapping, got %s", describe(n))
	}
	fs := fieldsOf(v.Type())
	seen := map[string]bool{}
	var errs Errors // every field's, so that the file's errors are reported together
	for i := 0; i+1 < len(n.content); i += 2 {
		key, val := n.content[i], n.content[i+1]
		if key.kind != scalarNode {
			errs = collect(errs, d.errorf(key, path, "expected a field name, got %s", describe(key)))
			continue
		}
		if key.value == "<<" {
			errs = collect(errs, d.errorf(key, path, "merge keys (<<) are not supported"))
			continue
		}
		j := slices.IndexFunc(fs, func(f fieldInfo) bool { return f.name == key.value })
		if j < 0 {
			names := make([]string, len(fs))
			for k, f := range fs {
				names[k] = f.name
			}
			where := path
			if where == "" {
				where = "the scenario"
			}
			errs = collect(errs, d.errorf(key, "", "unknown field %q in %s%s (known: %s)", key.value, where, hint(key.value, names), strings.Join(names, ", ")))
			continue
		}
		if seen[key.value] {
			errs = collect(errs, d.errorf(key, join(path, key.value), "set twice"))
			continue
		}
		seen[key.value] = true
		if err := d.decode(val, v.Field(fs[j].index), join(path, key.value)); err != nil {
			errs = collect(errs, err)
		}
	}
	if len(errs) > 0 {
		return errs.result()
	}
	if val, ok := v.Addr().Interface().(validator); ok {
		if err := val.validate(); err != nil {
			return d.placed(n, path, err)
		}
	}
	if l, ok := v.Addr().Interface().(loader); ok {
		if err := l.load(d.files); err != nil {
			return d.placed(n, path, err)
		}
	}
	return nil
}

// placed positions an error from a struct's hook: a *fieldError at its
// field, anything else at the struct.
func (d *decoder) placed(n *node, path string, err error) error {
	fe, ok := err.(*fieldError)
	if !ok {
		return d.errorf(n, path, "%v", err)
	}
	return d.errorf(lookup(n, fe.field), join(path, fe.field), "%s", fe.msg)
}

// lookup returns the node at a dotted path below n, or the deepest node of
// the path that exists.
func lookup(n *node, field string) *node {
	if field == "" {
		return n
	}
	for _, part := range strings.Split(field, ".") {
		var next *node
		switch n.kind {
		case mappingNode:
			for i := 0; i+1 < len(n.content); i += 2 {
				if n.content[i].value == part {
					next = n.content[i+1]
				}
			}
		case sequenceNode:
			if i, err := strconv.Atoi(part); err == nil && i >= 0 && i < len(n.content) {
				next = n.content[i]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// validateTree runs the validators of a value built in Go, innermost first,
// as decoding a file would.
func (d *decoder) validateTree(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return d.validateTree(v.Elem(), path)
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := d.validateTree(v.Index(i), join(path, strconv.Itoa(i))); err != nil {
				return err
			}
		}
	case reflect.Struct:
		if h, ok := v.Addr().Interface().(holder); ok {
			if name, held := h.held(); held != nil && name != "" {
				if err := d.validateTree(reflect.ValueOf(held), join(path, name)); err != nil {
					return err
				}
			}
		}
		for _, f := range fieldsOf(v.Type()) {
			if err := d.validateTree(v.Field(f.index), join(path, f.name)); err != nil {
				return err
			}
		}
		if val, ok := v.Addr().Interface().(validator); ok {
			if err := val.validate(); err != nil {
				if fe, ok := err.(*fieldError); ok {
					return &Error{File: d.file, Msg: join(path, fe.field) + ": " + fe.msg}
				}
				return &Error{File: d.file, Msg: path + ": " + err.Error()}
			}
		}
	}
	return nil
}

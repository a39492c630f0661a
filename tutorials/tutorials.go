// Package tutorials holds the playground's tutorials: Markdown files with embedded scenario
// blocks, rendered to HTML at build time (so that the UI's WebAssembly carries no Markdown
// library) and cut around the blocks, which the playground shows as Run widgets.
//
// A scenario block is a fenced code block with the info string "themelios":
//
//	```themelios
//	target: replicaset/spec-replicas-change
//	set: consistency=causal
//	expect: violated: a pod identity runs on at most one node after 16 steps
//	```
//
// with one "set:" line per setting, an optional "max-states:" and "symmetry: off" (every state
// of an orbit; by default a widget checks one state per orbit, as the command line does), the
// outcome the text claims
// ("all hold", or "violated: PROPERTY after N steps"; the tests check every claim), and an
// optional "ask:", a question the reader answers before running the check (does some run break
// a property, or does every property hold?). The text after an asking block, up to the next
// heading or block, explains it: the page shows it once the reader has run the check.
package tutorials

import (
	"bytes"
	"embed"
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/wasm/protocol"
)

//go:embed *.md
var files embed.FS

// All returns every tutorial, parsed and rendered, ordered by file name.
func All() ([]protocol.Tutorial, error) {
	names, err := files.ReadDir(".")
	if err != nil {
		return nil, err
	}
	var out []protocol.Tutorial
	for _, f := range names {
		data, err := files.ReadFile(f.Name())
		if err != nil {
			return nil, err
		}
		t, err := Render(strings.TrimSuffix(f.Name(), path.Ext(f.Name())), data)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.Name(), err)
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Slug < out[j].Slug })
	return out, nil
}

// Render turns a Markdown tutorial into HTML blocks and Run widgets. Its title is its first
// heading.
func Render(slug string, src []byte) (protocol.Tutorial, error) {
	md := goldmark.New(goldmark.WithExtensions(extension.Table))
	doc := md.Parser().Parse(text.NewReader(src))
	t := protocol.Tutorial{Slug: slug}
	var pending []ast.Node
	asking := 0 // 1 + the block index of the asking widget whose explanation is pending
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		var b bytes.Buffer
		for _, n := range pending {
			if err := md.Renderer().Render(&b, src, n); err != nil {
				return err
			}
		}
		t.Blocks = append(t.Blocks, protocol.Block{HTML: b.String(), After: asking})
		pending = nil
		return nil
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			if t.Title == "" {
				t.Title = string(h.Lines().Value(src))
			}
			if err := flush(); err != nil { // a heading ends an explanation
				return t, err
			}
			asking = 0
		}
		fence, ok := n.(*ast.FencedCodeBlock)
		if !ok || string(fence.Language(src)) != "themelios" {
			pending = append(pending, n)
			continue
		}
		if err := flush(); err != nil {
			return t, err
		}
		asking = 0
		var body bytes.Buffer
		for i := 0; i < fence.Lines().Len(); i++ {
			seg := fence.Lines().At(i)
			body.Write(seg.Value(src))
		}
		w, err := parseWidget(body.String())
		if err != nil {
			return t, fmt.Errorf("scenario block %d: %v", len(t.Blocks)+1, err)
		}
		t.Blocks = append(t.Blocks, protocol.Block{Run: &w})
		if w.Ask != "" {
			asking = len(t.Blocks)
		}
	}
	if err := flush(); err != nil {
		return t, err
	}
	if t.Title == "" {
		return t, fmt.Errorf("no title (a first heading)")
	}
	return t, nil
}

// parseWidget reads a scenario block's "key: value" lines.
func parseWidget(body string) (protocol.RunWidget, error) {
	var w protocol.RunWidget
	for _, line := range strings.Split(body, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return w, fmt.Errorf("%q is not key: value", line)
		}
		value = strings.TrimSpace(value)
		switch key {
		case "target":
			w.Target = value
		case "set":
			w.Sets = append(w.Sets, value)
		case "max-states":
			n, err := strconv.ParseInt(value, 10, 64)
			if err != nil || n <= 0 {
				return w, fmt.Errorf("max-states must be a positive number, not %q", value)
			}
			w.MaxStates = n
		case "symmetry":
			if value != "on" && value != "off" {
				return w, fmt.Errorf("symmetry must be on or off, not %q", value)
			}
			w.NoSymmetry = value == "off"
		case "expect":
			w.Expect = value
		case "ask":
			w.Ask = value
		default:
			return w, fmt.Errorf("unknown key %q (want target, set, max-states, symmetry, expect or ask)", key)
		}
	}
	e, ok := catalog.Lookup(w.Target)
	if !ok {
		return w, fmt.Errorf("unknown target %q", w.Target)
	}
	if _, err := e.Resolve(w.Sets); err != nil {
		return w, err
	}
	if w.Expect == "" {
		return w, fmt.Errorf("no expect: line (the outcome the text claims)")
	}
	return w, nil
}

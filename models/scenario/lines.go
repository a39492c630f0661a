package scenario

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// lines maps each field path of a YAML (or JSON) document, as the decoder names them
// ("spec.objects[0].kind"), to the line it starts on.
func lines(doc *yaml.Node) map[string]int {
	out := map[string]int{} // only looked up
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				p := n.Content[i].Value
				if path != "" {
					p = path + "." + p
				}
				out[p] = n.Content[i].Line
				walk(n.Content[i+1], p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				out[p] = c.Line
				walk(c, p)
			}
		case yaml.AliasNode:
			walk(n.Alias, path)
		}
	}
	walk(doc, "")
	return out
}

// withLines prefixes each "path: message" error with the line of the path, or of its
// nearest ancestor that the document has.
func withLines(errs []string, at map[string]int, prefix string) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		path, _, _ := strings.Cut(e, ": ")
		line := 0
		for p := strings.TrimPrefix(path, prefix); p != "" && line == 0; p = parent(p) {
			line = at[p]
		}
		if line > 0 {
			out[i] = fmt.Sprintf("line %d: %s", line, e)
		} else {
			out[i] = e
		}
	}
	return out
}

// parent is the path of a field's parent: "a.b[2].c" → "a.b[2]" → "a.b" → "a" → "".
func parent(p string) string {
	if strings.HasSuffix(p, "]") {
		return p[:strings.LastIndex(p, "[")]
	}
	if i := strings.LastIndexAny(p, ".["); i >= 0 {
		return p[:i]
	}
	return ""
}

package scenario

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"
)

//go:embed builtin
var builtinFiles embed.FS

// Builtin is a built-in scenario: its parsed form and its file, as `themelios new` writes it.
type Builtin struct {
	*Scenario
	Source []byte
}

// Builtins returns the built-in scenarios, sorted by name (parsed once). It panics if one does
// not parse (a build defect, caught by the tests). Do not modify the result.
func Builtins() []Builtin { return builtins() }

var builtins = sync.OnceValue(parseBuiltins)

func parseBuiltins() []Builtin {
	var out []Builtin
	err := fs.WalkDir(builtinFiles, "builtin", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
			return err
		}
		data, err := builtinFiles.ReadFile(path)
		if err != nil {
			return err
		}
		s, err := Parse(data)
		if err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if want := strings.TrimSuffix(strings.TrimPrefix(path, "builtin/"), ".yaml"); s.Name != want {
			return fmt.Errorf("%s: named %q, want %q", path, s.Name, want)
		}
		out = append(out, Builtin{Scenario: s, Source: data})
		return nil
	})
	if err != nil {
		panic(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

package main

import (
	"strings"
	"testing"

	"github.com/themelios/themelios/tutorials"
)

// Every command line a tutorial widget shows runs as it is pasted (tutorial 4's ended in a bare
// --set: "flag needs an argument"); the check itself is cut to one state here (the claims are
// checked by the tutorials' tests).
func TestTutorialCommandsParse(t *testing.T) {
	all, err := tutorials.All()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, tu := range all {
		for _, b := range tu.Blocks {
			if b.Run == nil {
				continue
			}
			n++
			cmd := b.Run.Command()
			args := strings.Fields(cmd)
			if args[0] != "themelios" {
				t.Fatalf("%s: %q", tu.Slug, cmd)
			}
			code, _, errOut := runCLI(append(args[1:], "--max-states", "1")...)
			if code == exitUsage {
				t.Errorf("%s: %q: exit %d: %s", tu.Slug, cmd, code, errOut)
			}
		}
	}
	if n == 0 {
		t.Fatal("no widgets")
	}
}

package tutorials

import (
	"context"
	"strings"
	"testing"

	"github.com/themelios/themelios/app/playground"
	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/wasm/protocol"
)

// Every scenario block gives the outcome its text claims.
func TestTutorialsClaims(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 8 || all[0].Title != "Why a ReplicaSet needs one controller (or a strong store)" || all[1].Title != "Kubernetes 59848: two pods, one identity" ||
		all[2].Title != "What breaks, and where: every scenario under every consistency level" || all[3].Title != "Liveness: runs that never get there" {
		t.Fatalf("tutorials: %d, %+v", len(all), all)
	}
	for _, tu := range all {
		runs, asks := 0, 0
		for i, b := range tu.Blocks {
			if b.Run != nil && b.Run.Ask != "" {
				// Predict, check, explain: the text after the question explains it, shown after the
				// check (the next block is that explanation).
				asks++
				if i+1 >= len(tu.Blocks) || tu.Blocks[i+1].After != i+1 || !strings.Contains(tu.Blocks[i+1].HTML, "<p>") {
					t.Errorf("%s: block %d asks %q with no explanation after it", tu.Slug, i, b.Run.Ask)
				}
			}
			if b.Run == nil {
				if !strings.Contains(b.HTML, "<") {
					t.Errorf("%s: a block with no HTML", tu.Slug)
				}
				continue
			}
			runs++
			e, _ := catalog.Lookup(b.Run.Target)
			vals, _ := e.Resolve(b.Run.Sets)
			m, err := e.Build(vals)
			if err != nil {
				t.Fatal(err)
			}
			max := b.Run.MaxStates
			if max == 0 {
				max = protocol.DefaultMaxStates
			}
			rep, err := m.Check(context.Background(), e.Name, checker.Options{Workers: 2, MaxStates: max, Symmetry: !b.Run.NoSymmetry})
			if err != nil {
				t.Fatal(err)
			}
			if got := protocol.Outcome(&rep); got != b.Run.Expect {
				t.Errorf("%s: %s %v: the text claims %q, the checker says %q", tu.Slug, b.Run.Target, b.Run.Sets, b.Run.Expect, got)
			}
		}
		// Predict, check, explain, fix: a question for the failure and one for its fix.
		if runs < 2 || asks < 2 {
			t.Errorf("%s: %d scenario blocks, %d of them asking, want at least 2 and 2", tu.Slug, runs, asks)
		}
	}
}

// The playground's list of tutorials is this folder's.
func TestPlaygroundListsEveryTutorial(t *testing.T) {
	all, _ := All()
	if len(all) != len(playground.Tutorials) {
		t.Fatalf("%d tutorials, the playground lists %d", len(all), len(playground.Tutorials))
	}
	for i, tu := range all {
		if l := playground.Tutorials[i]; l.Slug != tu.Slug || l.Title != tu.Title {
			t.Errorf("the playground lists %+v, the folder has %s %q", l, tu.Slug, tu.Title)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	for src, want := range map[string]string{
		"no heading": "no title",
		"# T\n```themelios\ntarget: nope\nexpect: all hold\n```":                                 "unknown target",
		"# T\n```themelios\ntarget: classic/die-hard\n```":                                       "no expect",
		"# T\n```themelios\ncolour: red\n```":                                                    "unknown key",
		"# T\n```themelios\ntarget: classic/two-phase-commit\nset: rms=0\nexpect: all hold\n```": "rms must be",
		"# T\n```themelios\ntarget: classic/die-hard\nsymmetry: yes\nexpect: all hold\n```":      "symmetry must be on or off",
	} {
		if _, err := Render("x", []byte(src)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", src, err, want)
		}
	}
	// A block checks under symmetry unless it says otherwise, on its command line and in its
	// request.
	for block, want := range map[string]bool{"": true, "symmetry: on\n": true, "symmetry: off\n": false} {
		tu, err := Render("x", []byte("# T\n```themelios\ntarget: statefulset/stale-reads\n"+block+"expect: all hold\n```"))
		command := "themelios check statefulset/stale-reads"
		if !want {
			command += " --symmetry=false"
		}
		if err != nil || len(tu.Blocks) != 2 || tu.Blocks[1].Run == nil || tu.Blocks[1].Run.NoSymmetry == want || tu.Blocks[1].Run.Request(1).Symmetry != want ||
			tu.Blocks[1].Run.Command() != command {
			t.Fatalf("%q: %+v %v", block, tu, err)
		}
	}
	tu, err := Render("x", []byte("# Title\n\nText *here*.\n\n```go\ncode\n```\n"))
	if err != nil || len(tu.Blocks) != 1 || !strings.Contains(tu.Blocks[0].HTML, "<em>here</em>") || !strings.Contains(tu.Blocks[0].HTML, "<code class=\"language-go\">") {
		t.Fatalf("%+v %v", tu, err)
	}
}

package scenario

import (
	"context"
	"fmt"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/checker/checkertest"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
)

// The soundness oracle on every built-in scenario, under every consistency level, with one and
// two controllers of each kind, whose reachable states fit the test's budget: every strategy and
// option agrees with the reference BFS and with a naive search, stops honestly and shows its
// violations with traces that replay.
func TestSoundnessBuiltins(t *testing.T) {
	budget := 1500
	if testing.Short() {
		budget = 600
	}
	checked := 0
	for _, b := range Builtins() {
		for _, level := range datastore.Levels() {
			for _, controllers := range []int{1, 2} {
				name := fmt.Sprintf("%s/%s/%d", b.Name, level, controllers)
				set := b.Settings
				set.Consistency, set.Controllers = level, controllers
				cfg, err := b.Config(set)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				m, err := orchestration.New(cfg)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				t.Run(name, func(t *testing.T) {
					truth, ok := checkertest.Soundness(t, m, checkertest.Config{Budget: budget, Symmetry: true, Short: true, Walks: 200, WalkDepth: 40, PartialWalks: true})
					if !ok {
						t.Skipf("more than %d reachable states", budget)
					}
					checked++
					t.Logf("%d reachable states", truth.Reachable)
				})
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d scenario settings fit the budget", checked)
	}
}

// The reduction of session-only steps (orchestration.Model.Covered) keeps every verdict and the
// length of every shortest counterexample: BFS with and without it, on every built-in scenario
// × level × 1 and 2 controllers whose search completes without it within the budget.
func TestReductionKeepsVerdicts(t *testing.T) {
	budget := int64(8000)
	if testing.Short() {
		budget = 1000
	}
	compared, fewer := 0, 0
	for _, b := range Builtins() {
		for _, level := range datastore.Levels() {
			for _, controllers := range []int{1, 2} {
				set := b.Settings
				set.Consistency, set.Controllers = level, controllers
				cfg, err := b.Config(set)
				if err != nil {
					t.Fatal(err)
				}
				m, err := orchestration.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				full, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: true, NoReduction: true, MaxStates: budget})
				if !full.Complete {
					continue
				}
				red, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: true})
				name := fmt.Sprintf("%s/%s/%d", b.Name, level, controllers)
				if !red.Complete || red.Unique > full.Unique {
					t.Errorf("%s: reduced %d states (complete %v), unreduced %d", name, red.Unique, red.Complete, full.Unique)
				}
				for i, p := range full.Properties {
					q := red.Properties[i]
					if q.Status != p.Status || (p.Trace == nil) != (q.Trace == nil) ||
						p.Trace != nil && p.Expect == checker.Always && len(p.Trace.Steps) != len(q.Trace.Steps) {
						t.Errorf("%s: %q %v (trace %v) reduced, %v (trace %v) unreduced", name, p.Name, q.Status, q.Trace != nil, p.Status, p.Trace != nil)
					}
				}
				compared++
				if red.Unique < full.Unique {
					fewer++
				}
			}
		}
	}
	t.Logf("%d settings compared, %d with fewer states", compared, fewer)
	if compared < 20 || fewer == 0 {
		t.Fatalf("%d settings compared, %d with fewer states", compared, fewer)
	}
}

// Symmetry (interchangeable nodes and controller replicas, orchestration.Model.Representative)
// keeps every verdict and the length of every shortest safety counterexample: BFS with and
// without it, on every built-in scenario × level × 1 and 2 controllers whose search completes
// without it within the budget.
func TestSymmetryKeepsVerdicts(t *testing.T) {
	budget := int64(8000)
	if testing.Short() {
		budget = 1000
	}
	compared, fewer := 0, 0
	for _, b := range Builtins() {
		for _, level := range datastore.Levels() {
			for _, controllers := range []int{1, 2} {
				set := b.Settings
				set.Consistency, set.Controllers = level, controllers
				cfg, err := b.Config(set)
				if err != nil {
					t.Fatal(err)
				}
				m, err := orchestration.New(cfg)
				if err != nil {
					t.Fatal(err)
				}
				plain, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: true, MaxStates: budget})
				if !plain.Complete {
					continue
				}
				sym, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2, KeepGoing: true, Symmetry: true})
				name := fmt.Sprintf("%s/%s/%d", b.Name, level, controllers)
				if !sym.Complete || sym.Unique > plain.Unique || m.HasSymmetry() != (sym.Unique < plain.Unique) {
					t.Errorf("%s: %d states under symmetry (complete %v), %d without; has symmetry %v", name, sym.Unique, sym.Complete, plain.Unique, m.HasSymmetry())
				}
				for i, p := range plain.Properties {
					q := sym.Properties[i]
					if q.Status != p.Status || (p.Trace == nil) != (q.Trace == nil) ||
						p.Trace != nil && p.Expect == checker.Always && len(p.Trace.Steps) != len(q.Trace.Steps) {
						t.Errorf("%s: %q %v (trace %v) under symmetry, %v (trace %v) without", name, p.Name, q.Status, q.Trace != nil, p.Status, p.Trace != nil)
					}
				}
				compared++
				if sym.Unique < plain.Unique {
					fewer++
				}
			}
		}
	}
	t.Logf("%d settings compared, %d with fewer states", compared, fewer)
	if compared < 20 || fewer < compared/2 {
		t.Fatalf("%d settings compared, %d with fewer states", compared, fewer)
	}
}

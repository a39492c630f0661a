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

// eachSetting calls f with the model of every built-in scenario under every consistency level
// with 1 and 2 controllers of each kind, and its name (scenario/level/controllers).
func eachSetting(t *testing.T, f func(name string, m *orchestration.Model, controllers int)) {
	t.Helper()
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
				f(fmt.Sprintf("%s/%s/%d", b.Name, level, controllers), m, controllers)
			}
		}
	}
}

// keepsVerdicts compares BFS with two sets of options on every built-in scenario × level × 1
// and 2 controllers whose search under base (bounded to budget states) completes: the search
// under other completes too, with no more states, the same verdicts and the same length of every
// shortest safety counterexample. It returns how many settings it compared, and with how many
// fewer states under other; also calls check on each pair.
func keepsVerdicts(t *testing.T, budget int64, base, other checker.Options, check func(name string, m *orchestration.Model, a, b checker.Result[orchestration.State, orchestration.Action])) (compared, fewer int) {
	t.Helper()
	eachSetting(t, func(name string, m *orchestration.Model, _ int) {
		bounded := base
		bounded.MaxStates = budget
		plain, _ := checker.Check(context.Background(), m, bounded)
		if !plain.Complete {
			return
		}
		red, _ := checker.Check(context.Background(), m, other)
		if !red.Complete || red.Unique > plain.Unique {
			t.Errorf("%s: %d states (complete %v), %d without", name, red.Unique, red.Complete, plain.Unique)
		}
		for i, p := range plain.Properties {
			q := red.Properties[i]
			if q.Status != p.Status || (p.Trace == nil) != (q.Trace == nil) ||
				p.Trace != nil && p.Expect == checker.Always && len(p.Trace.Steps) != len(q.Trace.Steps) {
				t.Errorf("%s: %q %v (trace %v), %v (trace %v) without", name, p.Name, q.Status, q.Trace != nil, p.Status, p.Trace != nil)
			}
		}
		if check != nil {
			check(name, m, plain, red)
		}
		compared++
		if red.Unique < plain.Unique {
			fewer++
		}
	})
	t.Logf("%d settings compared, %d with fewer states", compared, fewer)
	return compared, fewer
}

// The reduction of session-only steps (orchestration.Model.Covered) keeps every verdict and the
// length of every shortest counterexample: BFS with and without it, on every built-in scenario
// × level × 1 and 2 controllers whose search completes without it within the budget.
func TestReductionKeepsVerdicts(t *testing.T) {
	budget := int64(8000)
	if testing.Short() {
		budget = 1000
	}
	compared, fewer := keepsVerdicts(t, budget, checker.Options{Workers: 2, KeepGoing: true, NoReduction: true}, checker.Options{Workers: 2, KeepGoing: true}, nil)
	if compared < 20 || fewer == 0 {
		t.Fatalf("%d settings compared, %d with fewer states", compared, fewer)
	}
}

// Symmetry (interchangeable nodes and controller replicas, orchestration.Model.Representative)
// keeps every verdict and the length of every shortest safety counterexample: BFS with and
// without it, on every built-in scenario × level × 1 and 2 controllers whose search completes
// without it within the budget; a model with a symmetry explores fewer states.
func TestSymmetryKeepsVerdicts(t *testing.T) {
	budget := int64(8000)
	if testing.Short() {
		budget = 1000
	}
	compared, fewer := keepsVerdicts(t, budget, checker.Options{Workers: 2, KeepGoing: true}, checker.Options{Workers: 2, KeepGoing: true, Symmetry: true},
		func(name string, m *orchestration.Model, plain, sym checker.Result[orchestration.State, orchestration.Action]) {
			if m.HasSymmetry() != (sym.Unique < plain.Unique) {
				t.Errorf("%s: %d states under symmetry, %d without; has symmetry %v", name, sym.Unique, plain.Unique, m.HasSymmetry())
			}
		})
	if compared < 20 || fewer < compared/2 {
		t.Fatalf("%d settings compared, %d with fewer states", compared, fewer)
	}
}

// Under symmetry the liveness pass decides on the product of the recorded quotient
// (checker.ProcessSymmetry): with every step explored (no reduction, whose skipped steps
// would send the pass back to the concrete graph), on every built-in scenario × level × 1 and 2
// controllers that completes within the budget, the same verdicts as without symmetry, and
// where the model has a symmetry, no state explored after the search (violations' traces are
// lifted from the product).
func TestSymmetryLivenessOnTheProduct(t *testing.T) {
	budget := int64(8000)
	if testing.Short() {
		budget = 1000
	}
	onProduct := 0
	keepsVerdicts(t, budget, checker.Options{Workers: 2, KeepGoing: true, NoReduction: true}, checker.Options{Workers: 2, KeepGoing: true, NoReduction: true, Symmetry: true},
		func(name string, m *orchestration.Model, plain, sym checker.Result[orchestration.State, orchestration.Action]) {
			switch {
			case !m.HasSymmetry():
			case sym.LiveExplored != 0:
				t.Errorf("%s: the liveness pass explored %d states under symmetry", name, sym.LiveExplored)
			default:
				onProduct++
			}
		})
	if onProduct < 20 {
		t.Fatalf("decided on the product in %d settings", onProduct)
	}
	t.Logf("decided on the product in %d settings", onProduct)
}

// Symmetry finds the same violations, at the same depth: on every built-in scenario × level ×
// 1 and 2 controllers whose search without it stops at a violation within the budget, the search
// with it stops there too, with the same safety properties violated and shortest traces of the
// same length. (TestSymmetryKeepsVerdicts compares complete searches, where the node-symmetric
// settings violate nothing. Neither catches every unsound renaming: a merge of states that do
// not behave alike may still find the same violations; TestNodeSymmetryIsASymmetry checks the
// renaming itself.)
func TestSymmetryFindsTheSameViolations(t *testing.T) {
	budget := int64(20000)
	if testing.Short() {
		budget = 5000
	}
	compared, nodes := 0, 0
	eachSetting(t, func(name string, m *orchestration.Model, controllers int) {
		if !m.HasSymmetry() {
			return
		}
		plain, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2, MaxStates: budget, NoLiveness: true})
		if plain.Stopped != checker.StopViolation {
			return
		}
		sym, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2, Symmetry: true, NoLiveness: true})
		if sym.Stopped != checker.StopViolation || sym.Unique > plain.Unique {
			t.Errorf("%s: under symmetry stopped %v after %d states; without, at a violation after %d", name, sym.Stopped, sym.Unique, plain.Unique)
		}
		for i, p := range plain.Properties {
			q := sym.Properties[i]
			if p.Expect == checker.Always && (q.Status != p.Status || p.Trace != nil && (q.Trace == nil || len(q.Trace.Steps) != len(p.Trace.Steps))) {
				t.Errorf("%s: %q %v under symmetry, %v without (or traces of other lengths)", name, p.Name, q.Status, p.Status)
			}
		}
		compared++
		if controllers == 1 {
			nodes++ // one replica each: the symmetry is the nodes'
		}
	})
	t.Logf("%d settings compared, %d with node symmetry only", compared, nodes)
	if compared < 20 || nodes < 8 {
		t.Fatalf("%d settings compared, %d with node symmetry only", compared, nodes)
	}
}

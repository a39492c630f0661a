package scenario

import (
	"fmt"
	"testing"

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
					truth, ok := checkertest.Soundness(t, m, checkertest.Config{Budget: budget, Symmetry: controllers > 1, Short: true, Walks: 200, WalkDepth: 40, PartialWalks: true})
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

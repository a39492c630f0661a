package classic

import (
	"fmt"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/checker/checkertest"
)

// The soundness oracle on the classic models: two-phase commit (with its symmetry) and Die
// Hard.
func TestSoundnessClassic(t *testing.T) {
	for rms := 1; rms <= 4; rms++ {
		m, err := NewTwoPhase(rms)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fmt.Sprintf("two-phase-commit/rms=%d", rms), func(t *testing.T) {
			if _, ok := checkertest.Soundness[TPState, TPAction](t, m, checkertest.Config{Symmetry: true, PartialWalks: rms > 3, Walks: 20000}); !ok {
				t.Fatal("over the budget")
			}
		})
	}
	t.Run("die-hard", func(t *testing.T) {
		if _, ok := checkertest.Soundness[Jugs, JugAction](t, checker.Model[Jugs, JugAction](DieHard{}), checkertest.Config{}); !ok {
			t.Fatal("over the budget")
		}
	})
}

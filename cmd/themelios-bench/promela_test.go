package main

import (
	"strings"
	"testing"
)

func TestTwoPhasePromela(t *testing.T) {
	p := twoPhasePromela(2)
	// TMCommit, TMAbort, and five actions per resource manager.
	if got := strings.Count(p, ":: d_step"); got != 2+5*2 {
		t.Fatalf("%d actions, want 12:\n%s", got, p)
	}
	for _, want := range []string{
		"#define N 2",
		":: d_step { tmState == 0 && tmPrepared[0] && tmPrepared[1] -> tmState = 1; commitMsg = 1 }",
		":: d_step { tmState == 0 && prepared[1] -> tmPrepared[1] = 1 }",
		":: d_step { abortMsg -> rmState[0] = ABORTED }",
	} {
		if !strings.Contains(p, want) {
			t.Errorf("Promela lacks %q:\n%s", want, p)
		}
	}
}

package main

import (
	"fmt"
	"strings"
)

// twoPhasePromela writes the TwoPhase specification in Promela for rms resource managers: one
// process whose loop offers every action of the TLA+ specification as a d_step, so that each
// stored Spin state is one TwoPhase state (the loop's control location is always the same) and
// a Spin transition is one TwoPhase action, stuttering ones included.
func twoPhasePromela(rms int) string {
	var b strings.Builder
	b.WriteString(`/* TwoPhase (TLA+ examples) for the Themelios benchmark; generated, do not edit. */
#define WORKING 0
#define PREPARED 1
#define COMMITTED 2
#define ABORTED 3
`)
	fmt.Fprintf(&b, "#define N %d\n", rms)
	b.WriteString(`byte rmState[N];
byte tmState; /* 0 init, 1 committed, 2 aborted */
bit tmPrepared[N];
bit prepared[N]; /* [type |-> "Prepared", rm |-> r] in msgs */
bit commitMsg;
bit abortMsg;

active proctype TwoPhase() {
  do
`)
	var all []string
	for i := 0; i < rms; i++ {
		all = append(all, fmt.Sprintf("tmPrepared[%d]", i))
	}
	fmt.Fprintf(&b, "  :: d_step { tmState == 0 && %s -> tmState = 1; commitMsg = 1 }\n", strings.Join(all, " && "))
	b.WriteString("  :: d_step { tmState == 0 -> tmState = 2; abortMsg = 1 }\n")
	for i := 0; i < rms; i++ {
		fmt.Fprintf(&b, "  :: d_step { tmState == 0 && prepared[%[1]d] -> tmPrepared[%[1]d] = 1 }\n", i)
		fmt.Fprintf(&b, "  :: d_step { rmState[%[1]d] == WORKING -> rmState[%[1]d] = PREPARED; prepared[%[1]d] = 1 }\n", i)
		fmt.Fprintf(&b, "  :: d_step { rmState[%[1]d] == WORKING -> rmState[%[1]d] = ABORTED }\n", i)
		fmt.Fprintf(&b, "  :: d_step { commitMsg -> rmState[%[1]d] = COMMITTED }\n", i)
		fmt.Fprintf(&b, "  :: d_step { abortMsg -> rmState[%[1]d] = ABORTED }\n", i)
	}
	b.WriteString("  od\n}\n")
	return b.String()
}

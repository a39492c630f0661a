package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/models/targets"
)

const replayUsage = `Usage: themelios replay LINK

Replays the trace of a playground permalink (copied from the playground, or printed by
"themelios check --link"; the whole URL or its #fragment) in the terminal: each step as a
sentence with the lines of the state it changed, then the properties the last state violates
(and whether it violates the property the link names, if it names one).

Exit status: 0 the trace ends in a state that violates no invariant, 1 its last state violates
one, 2 a link that cannot be opened or bad usage.

Example:
  themelios replay "$(themelios check node/restart --set consistency=optimistic --link --json 2>&1 >/dev/null)"
`

func replay(args []string, stdout, stderr io.Writer) int {
	if isHelp(args) {
		fmt.Fprint(stdout, replayUsage)
		return exitOK
	}
	if len(args) != 1 {
		return fail(stderr, "replay takes one LINK, got %d", len(args))
	}
	l, err := targets.ParseLink(args[0])
	if err != nil {
		return fail(stderr, "replay: %v", err)
	}
	entry, _ := catalog.Lookup(l.Target) // ParseLink checked the target and its settings
	vals, err := entry.Resolve(l.Sets)
	if err != nil {
		return fail(stderr, "replay: %v", err)
	}
	m, err := entry.Build(vals)
	if err != nil {
		return fail(stderr, "replay: %s: %v", entry.Name, err)
	}
	steps, next, err := m.Explore(l.Trace)
	if err != nil {
		return fail(stderr, "replay: %v", err)
	}
	fmt.Fprintf(stdout, "%s (%s): a trace of %d step%s\n", entry.Name, entry.Describe(vals), len(steps)-1, plural(len(steps)-1))
	writeTrace(stdout, steps, l.Loop)
	if l.Property != "" && !slices.Contains(steps[len(steps)-1].Violating, l.Property) {
		fmt.Fprintf(stdout, "\nThe link was shared as a violation of %q, but its last state does not violate it: the model may have changed since the link was made.\n", l.Property)
	}
	if v := steps[len(steps)-1].Violating; len(v) > 0 {
		fmt.Fprintf(stdout, "\nThe last state violates: %s\n", strings.Join(v, "; "))
		return exitViolation
	}
	fmt.Fprintf(stdout, "\nThe last state violates no invariant; %d action%s enabled there.\n", len(next), plural(len(next)))
	return exitOK
}

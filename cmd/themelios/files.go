package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/themelios/themelios/models/scenario"
)

const newUsage = `Usage: themelios new SCENARIO

Writes the built-in scenario SCENARIO (see "themelios list") to standard output as a file to
edit and keep: a reference of every setting heads it, commented. Then check your copy:

  themelios new deployment/rolling-update > rollout.yaml
  themelios validate rollout.yaml
  themelios check rollout.yaml --set consistency=causal

Exit status: 0 written, 2 no such built-in scenario or bad usage.
`

func newScenario(args []string, stdout, stderr io.Writer) int {
	if isHelp(args) {
		fmt.Fprint(stdout, newUsage)
		return exitOK
	}
	if len(args) != 1 {
		return fail(stderr, "new takes one SCENARIO, got %d (see themelios list)", len(args))
	}
	var names []string
	for _, b := range scenario.Builtins() {
		if b.Name == args[0] {
			fmt.Fprint(stdout, settingsReference())
			stdout.Write(b.Source)
			return exitOK
		}
		names = append(names, b.Name)
	}
	return fail(stderr, "new: no built-in scenario %q (there are: %s)", args[0], strings.Join(names, ", "))
}

// settingsReference is the comment that heads a scenario written by new.
func settingsReference() string {
	var b strings.Builder
	b.WriteString("# A Themelios scenario. Check it with: themelios check FILE [--set NAME=VALUE]...\n")
	b.WriteString("# Settings under spec (the command line's --set NAME=VALUE overrides them):\n")
	for _, p := range scenario.Params {
		values := ""
		switch {
		case len(p.Choices) > 0:
			values = " (" + strings.Join(p.Choices, ", ") + ")"
		case p.Max > 0:
			values = fmt.Sprintf(" (%d to %d)", p.Min, p.Max)
		}
		fmt.Fprintf(&b, "#   %s: %s%s\n", scenario.FieldName(p.Name), p.Help, values)
	}
	b.WriteString("#   node: {cpu: \"2\", pods: 10}: allocatable resources of each node (default: no limit)\n")
	b.WriteString("#   maxStates: N: the state bound of a check that gives no --max-states (for a space too large to explore)\n")
	b.WriteString("# What the user may do, at quiescence (client.anytime: true for always):\n")
	b.WriteString("#   client.scale: [{deployment: NAME, min: 0, max: 3}] (or replicaSet:, statefulSet:, replicaSetsOf: a Deployment's)\n")
	b.WriteString("#   client.image: [{deployment: NAME, images: [web:1, web:2]}]\n")
	b.WriteString("#   client.pause: [DEPLOYMENT], client.suspend: [JOB]\n")
	b.WriteString("# Objects are Kubernetes manifests: Node, Pod, PersistentVolumeClaim, ReplicaSet, Deployment,\n")
	b.WriteString("# StatefulSet, Job (the fields the model uses; others are errors that name their line).\n\n")
	return b.String()
}

const validateUsage = `Usage: themelios validate FILE

Reads FILE ("-": standard input), a scenario or plain Kubernetes manifests, and reports every problem at once, each
as FILE:LINE: field.path: what is wrong; for manifests, the fields and kinds the model does not
use are listed as warnings. Exit status 0 when the file is valid, 2 when it is not.
`

var lineError = regexp.MustCompile(`^line (\d+): `)

func validate(args []string, stdout, stderr io.Writer) int {
	if isHelp(args) {
		fmt.Fprint(stdout, validateUsage)
		return exitOK
	}
	if len(args) != 1 {
		return fail(stderr, "validate takes one FILE, got %d", len(args))
	}
	file, data, err := readInput(args[0])
	if err != nil {
		return fail(stderr, "validate: %v", err)
	}
	s, warns, err := readScenario(file, data)
	for _, w := range warns {
		fmt.Fprintf(stderr, "%s (warning)\n", fileLine(file, w))
	}
	if err != nil {
		for _, e := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(stderr, fileLine(file, e))
		}
		return exitUsage
	}
	if scenario.IsScenario(data) {
		fmt.Fprintf(stdout, "%s: scenario %s, %s: valid\n", file, s.Name, count(len(s.Objects), "object"))
	} else {
		fmt.Fprintf(stdout, "%s: Kubernetes manifests, %s and %s the model uses, %s: valid\n", file,
			count(len(s.Objects), "object"), count(len(s.Nodes), "node"), count(len(warns), "warning"))
	}
	return exitOK
}

// stdin is what a FILE of "-" reads (tests replace it).
var stdin io.Reader = os.Stdin

// readInput reads a scenario file, or standard input for "-", and returns the name to report
// it by ("stdin" for "-").
func readInput(name string) (string, []byte, error) {
	if name == "-" {
		data, err := io.ReadAll(stdin)
		return "stdin", data, err
	}
	data, err := os.ReadFile(name)
	return name, data, err
}

// count is "1 object", "2 objects".
func count(n int, noun string) string { return fmt.Sprintf("%d %s%s", n, noun, plural(n)) }

// fileLine turns "line N: message" into "FILE:N: message" (compiler style), or prefixes FILE.
func fileLine(file, msg string) string {
	if m := lineError.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("%s:%s: %s", file, m[1], strings.TrimPrefix(msg, m[0]))
	}
	return file + ": " + msg
}

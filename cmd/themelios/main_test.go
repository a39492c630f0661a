package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestList(t *testing.T) {
	code, out, _ := runCLI("list")
	if code != 0 || !strings.Contains(out, "classic/two-phase-commit") || !strings.Contains(out, "classic/die-hard") || !strings.Contains(out, "--set rms=3") {
		t.Fatalf("list: %d\n%s", code, out)
	}
}

func TestCheckPrintsCounterexample(t *testing.T) {
	code, out, _ := runCLI("check", "classic/die-hard", "--workers", "1")
	if code != exitViolation {
		t.Fatalf("exit %d, want 1", code)
	}
	for _, want := range []string{
		"✗ big ≠ 4 (always): violated after 6 steps",
		"Counterexample for \"big ≠ 4\" (6 steps):",
		"  1. FillBigJug\n       big = 5\n",
		"  6. BigToSmall\n       big = 4\n       small = 3\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	// Every state (TLC's counts, which explore no symmetry).
	code, out, _ := runCLI("check", "--json", "classic/two-phase-commit", "--set", "rms=3", "--symmetry=false")
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var rep checker.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if rep.Target != "classic/two-phase-commit" || rep.Strategy != "bfs" || rep.States != 1146 || rep.Unique != 288 || rep.Depth != 11 || !rep.Complete {
		t.Fatalf("report %+v", rep)
	}
	if len(rep.Properties) != 2 || rep.Properties[0].Status != "holds" || rep.Properties[1].Expectation != "sometimes" ||
		len(rep.Properties[1].Trace) != 11 || rep.Properties[1].Trace[0].Action != "init" {
		t.Fatalf("properties %+v", rep.Properties)
	}
	// Every key of the contract is present.
	var raw map[string]any
	json.Unmarshal([]byte(out), &raw)
	for _, k := range []string{"target", "strategy", "states", "unique", "depth", "complete", "stopped", "duration_ms", "properties"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("JSON lacks %q", k)
		}
	}
	if raw["stopped"] != nil {
		t.Errorf("a complete search: stopped %v, want null", raw["stopped"])
	}
	code, out, _ = runCLI("check", "classic/die-hard", "--json", "--keep-going", "--strategy", "dfs")
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitViolation || rep.Unique != 16 || rep.States != 97 || !rep.Complete {
		t.Fatalf("die-hard dfs: exit %d, %+v", code, rep)
	}
}

func TestCheckSimulateAndBounds(t *testing.T) {
	code, out, _ := runCLI("check", "classic/two-phase-commit", "--strategy", "simulate", "--seed", "3", "--walks", "20", "--json")
	var rep checker.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || rep.Walks != 20 || rep.Complete || rep.Stopped != "walks" || rep.Properties[0].Status != "unknown" {
		t.Fatalf("simulate: exit %d %+v", code, rep)
	}
	code, out, _ = runCLI("check", "classic/two-phase-commit", "--max-depth", "3")
	if code != exitOK || !strings.Contains(out, "depth 3, stopped at the depth bound,") ||
		!strings.Contains(out, "? TCConsistent (always): unknown: not checked to the end: the search cut paths at the depth bound (--max-depth) after ") {
		t.Fatalf("bounded: exit %d\n%s", code, out)
	}
}

// Every strategy says why it stopped, in the JSON "stopped" field and the summary line, and
// leaves what it did not check unknown.
func TestStoppedField(t *testing.T) {
	for _, c := range []struct {
		args            []string
		stopped, extent string
		code            int
		verdict         string // a property's verdict, in the text
	}{
		{[]string{"classic/die-hard", "--strategy", "dfs"}, "violation", "stopped at the first violation", exitViolation, "✗ big ≠ 4 (always): violated after "},
		// The example: DFS stops at the first violation, and checked nothing else to the end.
		{[]string{"statefulset/stale-reads", "--set", "consistency=resettable-session", "--strategy", "dfs", "--liveness=false"}, "violation", "stopped at the first violation", exitViolation,
			"? names are unique (always): unknown: not checked to the end: the search stopped at the first violation; --keep-going checks every property"},
		{[]string{"classic/die-hard", "--strategy", "dfs", "--keep-going"}, "", "complete", exitViolation, "✗ big ≠ 4 (always): violated after "},
		{[]string{"classic/die-hard"}, "violation", "stopped at the first violation", exitViolation, "✗ big ≠ 4 (always): violated after 6 steps"},
		{[]string{"classic/die-hard", "--strategy", "simulate", "--seed", "1"}, "violation", "stopped at the first violation", exitViolation, "✗ big ≠ 4 (always): violated after "},
		{[]string{"classic/two-phase-commit", "--set", "rms=5", "--max-states", "1000", "--symmetry=false"}, "max-states", "stopped at the state bound", exitOK,
			"? TCConsistent (always): unknown: not checked to the end: the search stopped at the state bound (--max-states) after 1,0"},
		{[]string{"classic/two-phase-commit", "--set", "rms=5", "--max-states", "1000", "--strategy", "dfs", "--symmetry=false"}, "max-states", "stopped at the state bound", exitOK,
			"? TCConsistent (always): unknown: not checked to the end: the search stopped at the state bound (--max-states) after 1,000 states"},
		{[]string{"classic/two-phase-commit", "--set", "rms=5", "--max-depth", "4", "--strategy", "dfs"}, "max-depth", "stopped at the depth bound", exitOK,
			"unknown: not checked to the end: the search cut paths at the depth bound (--max-depth)"},
		{[]string{"classic/two-phase-commit", "--set", "rms=5", "--timeout", "1ns"}, "timeout", "stopped by the timeout", exitOK,
			"unknown: not checked to the end: the search ran out of time (--timeout)"},
		{[]string{"classic/two-phase-commit", "--strategy", "simulate", "--walks", "3"}, "walks", "stopped when the walks ran out", exitOK,
			"unknown: not checked to the end: the walks (--walks) ran out before expanding every state they met"},
		{[]string{"classic/two-phase-commit", "--liveness=false"}, "", "complete", exitOK, "✓ TCConsistent (always): holds"},
	} {
		code, out, _ := runCLI(append([]string{"check", "--json", "--progress", "off"}, c.args...)...)
		var rep checker.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != c.code || string(rep.Stopped) != c.stopped || rep.Complete != (c.stopped == "") {
			t.Errorf("%v: exit %d, stopped %q complete %v, want %q (%v)", c.args, code, rep.Stopped, rep.Complete, c.stopped, err)
			continue
		}
		for _, p := range rep.Properties {
			if !rep.Complete && p.Status == "holds" && p.Expectation != "sometimes" {
				t.Errorf("%v: %s holds, yet the search stopped (%s)", c.args, p.Name, rep.Stopped)
			}
		}
		_, text, _ := runCLI(append([]string{"check", "--progress", "off"}, c.args...)...)
		if !strings.Contains(text, ", "+c.extent+", ") || !strings.Contains(text, c.verdict) {
			t.Errorf("%v: the text does not say %q and %q:\n%s", c.args, c.extent, c.verdict, text)
		}
	}
}

// --max-states N stops every strategy within one state's successors of N distinct states, the
// same on any number of workers.
func TestMaxStatesBound(t *testing.T) {
	const n = 1000
	var first checker.Report
	for _, args := range [][]string{
		{"--workers", "1"}, {"--workers", "2"}, {"--workers", "3"},
		{"--strategy", "dfs"}, {"--strategy", "simulate", "--walks", "100000", "--workers", "1"}, {"--strategy", "simulate", "--walks", "100000", "--workers", "2"},
		{"--symmetry", "--workers", "2"},
	} {
		_, out, _ := runCLI(append([]string{"check", "classic/two-phase-commit", "--set", "rms=8", "--json", "--keep-going", "--max-states", fmt.Sprint(n)}, args...)...)
		var rep checker.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		// Two-phase commit with 8 resource managers: fewer than 20 successors of a state.
		if rep.Stopped != "max-states" || rep.Unique < n || rep.Unique >= n+20 {
			t.Errorf("%v: %d distinct states, stopped %q", args, rep.Unique, rep.Stopped)
		}
		if args[0] == "--workers" {
			if first.Unique == 0 {
				first = rep
			} else if rep.Unique != first.Unique || rep.States != first.States || rep.Depth != first.Depth {
				t.Errorf("%v: %d distinct, %d generated, depth %d; on one worker %d, %d, %d", args, rep.Unique, rep.States, rep.Depth, first.Unique, first.States, first.Depth)
			}
		}
	}
}

func TestBadInputIsOneLineAndExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"check"},
		{"check", "no/such-model"},
		{"check", "classic/die-hard", "extra"},
		{"check", "classic/die-hard", "--no-such-flag"},
		{"check", "classic/die-hard", "--max-depth", "ten"},
		{"check", "classic/die-hard", "--workers", "-3"},
		{"check", "classic/die-hard", "--strategy", "astar"},
		{"check", "classic/two-phase-commit", "--set", "rms=0"},
		{"check", "classic/two-phase-commit", "--set", "rms=abc"},
		{"check", "classic/two-phase-commit", "--set", "nodes=2"},
		{"check", "classic/two-phase-commit", "--set", "rms"},
		{"check", "classic/die-hard", "--timeout", "soon"},
		{"check", "classic/die-hard", "--max-memory", "lots"},
		{"check", "classic/die-hard", "--max-memory", "-1Gi"},
		{"check", "classic/die-hard", "--max-memory", "10"},
		{"check", "classic/die-hard", "--max-memory", "1.5"},
		{"check", "classic/die-hard", "--max-memory", "10Ei"},
		{"list", "extra"},
	} {
		code, out, errOut := runCLI(args...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
		if len(args) == 0 {
			continue // bare themelios prints the usage
		}
		if out != "" || strings.Count(errOut, "\n") != 1 || !strings.HasPrefix(errOut, "themelios: ") {
			t.Errorf("%q: stdout %q, stderr %q: want one line on stderr", args, out, errOut)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"help", "check"}, {"check", "--help"}} {
		code, out, _ := runCLI(args...)
		if code != exitOK || !strings.Contains(out, "themelios") {
			t.Errorf("%q: exit %d\n%s", args, code, out)
		}
	}
	_, out, _ := runCLI("help", "check")
	for _, flag := range []string{"-strategy", "-set", "-max-depth", "-max-states", "-timeout", "-workers", "-seed", "-json"} {
		if !strings.Contains(out, flag) {
			t.Errorf("check help lacks %s", flag)
		}
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 18507778: "18,507,778", -1234: "-1,234"} {
		if got := checker.Thousands(n); got != want {
			t.Errorf("checker.Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCheckScenarios(t *testing.T) {
	code, out, _ := runCLI("check", "replicaset/spec-replicas-change", "--json")
	var rep checker.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || rep.Unique != 83 || !rep.Complete || len(rep.Properties) != 9 {
		t.Fatalf("spec-replicas-change: exit %d %+v", code, rep)
	}
	code, out, _ = runCLI("check", "node/restart", "--set", "consistency=optimistic", "--workers", "1")
	if code != exitViolation || !strings.Contains(out, "✗ a pod identity runs on at most one node (always): violated after 9 steps") ||
		!strings.Contains(out, "node node-1 crashed") {
		t.Fatalf("node/restart optimistic: exit %d\n%s", code, out)
	}
	// A scenario file.
	dir := t.TempDir()
	file := filepath.Join(dir, "s.yaml")
	for _, b := range scenario.Builtins() {
		if b.Name == "replicaset/overlapping" {
			os.WriteFile(file, b.Source, 0o644)
		}
	}
	if code, out, _ := runCLI("check", file, "--set", "controllers=2"); code != exitOK || !strings.Contains(out, "4,619 distinct states") {
		t.Fatalf("scenario file: exit %d\n%s", code, out)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("apiVersion: themelios.dev/v1alpha1\nkind: Scenario\nmetadata: {name: x}\nspec: {nodes: 0}\n"), 0o644)
	code, out, errOut := runCLI("check", bad)
	if code != exitUsage || out != "" || !strings.Contains(errOut, "spec.nodes: nodes must be an integer from 1 to 6") {
		t.Fatalf("bad file: exit %d, stderr %q", code, errOut)
	}
	if code, _, errOut := runCLI("check", "replicaset/overlapping", "--set", "consistency=eventual"); code != exitUsage || !strings.Contains(errOut, `unknown consistency level "eventual"`) {
		t.Fatalf("bad level: exit %d %q", code, errOut)
	}
}

func TestMatrix(t *testing.T) {
	code, out, _ := runCLI("matrix", "--scenarios", "replicaset/spec-replicas-change", "--max-states", "300", "--workers", "1")
	if code != exitOK || strings.Count(out, "\n") != 2+10 {
		t.Fatalf("matrix: exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"| replicaset/spec-replicas-change | synchronous | 1 | ✓ all hold |  |  | 83 | complete |", // under symmetry (156 without)
		"| replicaset/spec-replicas-change | monotonic-session | 1 | ? none found |",
		"| replicaset/spec-replicas-change | monotonic-session | 2 | ✗ violated | " + orchestration.ReplicaSetCreates + " | 3 |",
		"| 30", // exactly the bound, or a state's successors more
		"| stopped at the state bound (300) |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("matrix lacks %q:\n%s", want, out)
		}
	}
	if code, out, _ := runCLI("matrix", "--scenarios", "replicaset/spec-replicas-change", "--max-states", "300", "--workers", "1", "--symmetry=false"); code != exitOK ||
		!strings.Contains(out, "| replicaset/spec-replicas-change | synchronous | 1 | ✓ all hold |  |  | 156 | complete |") {
		t.Errorf("matrix --symmetry=false: exit %d\n%s", code, out)
	}
	// Bad bounds and unknown names: one line and exit 2, before any check runs.
	for _, args := range [][]string{
		{"--max-states", "-1"}, {"--workers", "-1"}, {"--timeout", "-1s"},
		{"--scenarios", "replicaset/spec-replicas-change,nope"},
	} {
		args = append([]string{"matrix", "--scenarios", "replicaset/spec-replicas-change"}, args...)
		if code, out, errOut := runCLI(args...); code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, %d bytes out, stderr %q", args, code, len(out), errOut)
		}
	}
	if code, _, _ := runCLI("matrix", "--scenarios", "nope"); code != exitUsage {
		t.Errorf("unknown scenario: exit %d", code)
	}
	// --out replaces the table between the markers and keeps the prose around it.
	file := filepath.Join(t.TempDir(), "results.md")
	os.WriteFile(file, []byte("# Results\n\n<!-- matrix:begin -->\nold table\n<!-- matrix:end -->\n\nProse.\n"), 0o644)
	if code, _, errOut := runCLI("matrix", "--scenarios", "statefulset/available", "--max-states", "500", "--workers", "1", "--out", file); code != exitOK {
		t.Fatalf("matrix --out: exit %d %s", code, errOut)
	}
	got, _ := os.ReadFile(file)
	if !strings.HasPrefix(string(got), "# Results\n\n<!-- matrix:begin -->\n| scenario |") || strings.Contains(string(got), "old table") ||
		!strings.HasSuffix(string(got), "|\n<!-- matrix:end -->\n\nProse.\n") ||
		!strings.Contains(string(got), "| statefulset/available | causal | 1 | ✗ violated | a pod identity runs on at most one node | 10 |") {
		t.Fatalf("matrix --out wrote:\n%s", got)
	}
}

// The table committed in tutorials/03-results.md has a row for every scenario, level and
// controller count, and is what the matrix command gives (time aside) for the scenarios
// recomputed here.
func TestCommittedResultsTable(t *testing.T) {
	doc, err := os.ReadFile("../../tutorials/03-results.md")
	if err != nil {
		t.Fatal(err)
	}
	_, table, _ := strings.Cut(string(doc), beginMarker("matrix"))
	table, _, _ = strings.Cut(table, endMarker("matrix"))
	rows := map[string]string{} // scenario|level|controllers → the row without its time
	for _, line := range strings.Split(strings.TrimSpace(table), "\n")[2:] {
		cells := strings.Split(line, " | ")
		rows[strings.TrimPrefix(cells[0], "| ")+"|"+cells[1]+"|"+cells[2]] = strings.Join(cells[:len(cells)-1], " | ")
	}
	if want := len(scenario.Builtins()) * len(datastore.Levels()) * 2; len(rows) != want {
		t.Fatalf("%d rows, want %d", len(rows), want)
	}
	code, out, _ := runCLI("matrix", "--scenarios", "statefulset/available,statefulset/spec-replicas-change")
	if code != exitOK {
		t.Fatalf("matrix: exit %d", code)
	}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n")[2:] {
		cells := strings.Split(line, " | ")
		key := strings.TrimPrefix(cells[0], "| ") + "|" + cells[1] + "|" + cells[2]
		if got := strings.Join(cells[:len(cells)-1], " | "); rows[key] != got {
			t.Errorf("committed row\n%s\nbut the matrix gives\n%s", rows[key], got)
		}
	}
}

func TestGraph(t *testing.T) {
	dir := t.TempDir()
	// The trace of the violation and its neighbourhood, as SVG: the trace's nodes carry their
	// ids and the highlight, every node its whole state as a tooltip.
	svg := filepath.Join(dir, "trace.svg")
	code, _, errOut := runCLI("graph", "classic/die-hard", "--trace", "--out", svg)
	if code != exitOK || !strings.Contains(errOut, `the trace of "big ≠ 4" (6 steps)`) {
		t.Fatalf("graph --trace: exit %d %s", code, errOut)
	}
	data, _ := os.ReadFile(svg)
	text := string(data)
	for i := 0; i < 7; i++ {
		if !strings.Contains(text, fmt.Sprintf(`<g id="s%d" class="node trace">`, i)) {
			t.Errorf("the SVG lacks trace node s%d", i)
		}
	}
	for _, want := range []string{`stroke="#d62728"`, `fill="#fde0dd"`, "<title>", `xlink:title="big = 0&#10;small = 0"`} {
		if !strings.Contains(text, want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	// The explored graph, capped, as DOT and as PNG.
	code, out, errOut := runCLI("graph", "classic/two-phase-commit", "--format", "dot", "--max-nodes", "20")
	if code != exitOK || strings.Count(out, "[label=") < 20 || !strings.Contains(out, `label="capped at 20 states"`) ||
		!strings.Contains(errOut, "capped at 20 states of 288 explored") {
		t.Fatalf("graph --format dot: exit %d %s\n%s", code, errOut, out)
	}
	// --out through a symlink writes its target and keeps the link, with the usual mode.
	target, link := filepath.Join(dir, "real.dot"), filepath.Join(dir, "link.dot")
	os.WriteFile(target, []byte("old"), 0o644)
	os.Symlink(target, link)
	if code, _, errOut := runCLI("graph", "classic/die-hard", "--format", "dot", "--out", link); code != exitOK {
		t.Fatalf("graph --out link: exit %d %s", code, errOut)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link is gone: %v %v", fi, err)
	}
	if data, _ := os.ReadFile(target); !bytes.HasPrefix(data, []byte("digraph")) {
		t.Errorf("the link's target holds %.20q", data)
	}
	if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", fi.Mode())
	}
	png := filepath.Join(dir, "g.png")
	if code, _, errOut := runCLI("graph", "classic/die-hard", "--format", "png", "--out", png); code != exitOK {
		t.Fatalf("graph png: exit %d %s", code, errOut)
	}
	if data, _ := os.ReadFile(png); !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Fatal("not a PNG")
	}
	// Bad input: exit 2 and one line.
	for _, args := range [][]string{
		{"graph", "classic/die-hard", "--format", "gif"},
		{"graph", "classic/die-hard", "--layout", "circo"},
		{"graph", "classic/die-hard", "--max-nodes", "0"},
		{"graph", "classic/die-hard", "--json"}, // check's, not graph's
		{"graph", "classic/die-hard", "--link"},
	} {
		if code, _, errOut := runCLI(args...); code != exitUsage || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d %q", args, code, errOut)
		}
	}
}

// go-graphviz is for the CLI only: no WebAssembly binary of ours links it.
func TestNoGraphvizInWasm(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "../../wasm/app", "../../wasm/worker")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "goccy/go-graphviz") || !strings.Contains(string(out), "themelios/checker") {
		t.Fatalf("wasm dependencies:\n%s", out)
	}
}

func TestNewAndValidate(t *testing.T) {
	code, out, _ := runCLI("new", "statefulset/available")
	if code != exitOK || !strings.HasPrefix(out, "# A Themelios scenario.") || !strings.Contains(out, "#   nodeCrash: a node may crash") {
		t.Fatalf("new: exit %d\n%s", code, out)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.yaml")
	os.WriteFile(file, []byte(out), 0o644)
	if code, out, _ := runCLI("validate", file); code != exitOK || !strings.Contains(out, "scenario statefulset/available, 1 object: valid") {
		t.Fatalf("validate: exit %d %s", code, out)
	}
	// The written file checks as the built-in scenario does.
	if code, out, _ := runCLI("check", file); code != exitOK || !strings.Contains(out, "75 distinct states") {
		t.Fatalf("check of the new file: exit %d\n%s", code, out)
	}
	bad := strings.Replace(strings.Replace(out, "replicas: 4", "replicas: four", 1), "  nodes: 2", "  nodes: 0", 1)
	os.WriteFile(file, []byte(bad), 0o644)
	code, _, errOut := runCLI("validate", file)
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	if code != exitUsage || len(lines) != 2 || !regexp.MustCompile(`^.*mine\.yaml:\d+: spec\.nodes: nodes must be an integer from 1 to 6, not "0"$`).MatchString(lines[0]) ||
		!regexp.MustCompile(`mine\.yaml:\d+: spec\.objects\[0\]\.spec\.replicas: want an integer, not "four"$`).MatchString(lines[1]) {
		t.Fatalf("validate of a bad file: exit %d\n%s", code, errOut)
	}
	// check names the field and line too, as validate writes them.
	if code, _, errOut := runCLI("check", file); code != exitUsage || !regexp.MustCompile(`mine\.yaml:\d+: spec\.nodes`).MatchString(errOut) {
		t.Fatalf("check of a bad file: exit %d %s", code, errOut)
	}
	if code, _, _ := runCLI("new", "nope"); code != exitUsage {
		t.Errorf("new nope: exit %d", code)
	}
}

// A permalink made by check --link replays, through replay, to the check's trace.
func TestLinkAndReplay(t *testing.T) {
	code, out, link := runCLI("check", "statefulset/stale-reads", "--set", "consistency=resettable-session", "--json", "--link", "--link-base", "https://example.org/play/")
	var rep checker.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitViolation {
		t.Fatalf("check --json --link: exit %d %v", code, err)
	}
	link = strings.TrimSpace(link)
	if !strings.HasPrefix(link, "https://example.org/play/#s=") || !strings.Contains(link, "&t=") || !strings.HasSuffix(link, "&p=a+pod+identity+runs+on+at+most+one+node") {
		t.Fatalf("link %q", link)
	}
	var trace []checker.TraceStep
	for _, p := range rep.Properties {
		if p.Status == "violated" && trace == nil {
			trace = p.Trace
		}
	}
	code, replayed, errOut := runCLI("replay", link)
	if code != exitViolation || !strings.Contains(replayed, "a trace of 10 steps") ||
		!strings.Contains(replayed, "The last state violates: a pod identity runs on at most one node") {
		t.Fatalf("replay: exit %d %s\n%s", code, errOut, replayed)
	}
	for i, st := range trace {
		if !strings.Contains(replayed, fmt.Sprintf("%3d. %s\n", i, st.Action)) {
			t.Errorf("replay lacks step %d: %s", i, st.Action)
		}
	}
	if strings.Contains(replayed, "shared as a violation") {
		t.Errorf("replay doubts the link's own property:\n%s", replayed)
	}
	// Cut short by a step, the trace no longer ends in the violation the link names.
	tr := regexp.MustCompile(`&t=([0-9.]*)\.[0-9]+&`)
	cut := tr.ReplaceAllString(link, "&t=$1&")
	if code, replayed, _ := runCLI("replay", cut); code != exitOK || !strings.Contains(replayed, `The link was shared as a violation of "a pod identity runs on at most one node", but its last state does not violate it`) {
		t.Fatalf("replay %s: exit %d\n%s", cut, code, replayed)
	}
	// In text mode the link follows the report; a file target has none; a bad link is exit 2.
	if code, out, _ := runCLI("check", "classic/die-hard", "--link"); code != exitViolation || !strings.Contains(out, "Open in the playground: http://127.0.0.1:8080/#s=") {
		t.Fatalf("check --link: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI("replay", "https://example.org/#s=AAAA&t=1"); code != exitUsage || !strings.Contains(errOut, "themelios: replay:") {
		t.Fatalf("bad link: exit %d %q", code, errOut)
	}
}

// Progress goes to stderr (plain lines when it is not a terminal), leaving --json's stdout clean.
func TestProgressLines(t *testing.T) {
	code, out, errOut := runCLI("check", "classic/two-phase-commit", "--set", "rms=6", "--json", "--progress-every", "1ms", "--workers", "1", "--symmetry=false")
	var rep checker.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || rep.Unique != 50816 {
		t.Fatalf("check --json: exit %d %v", code, err)
	}
	if !regexp.MustCompile(`(?m)^progress: [\d,]+ states, [\d,]+ unique, depth \d+, queue [\d,]+, [\d,]+/s, \d+ MiB, [\d.]+m?s$`).MatchString(errOut) {
		t.Fatalf("no progress line on stderr:\n%s", errOut)
	}
	if code, _, errOut := runCLI("check", "classic/die-hard", "--progress-every", "-1s"); code != exitUsage || errOut != "themelios: check: --progress-every must not be negative (0: the default), not -1s\n" {
		t.Errorf("--progress-every -1s: exit %d %q", code, errOut)
	}
	// Simulation's flags with another strategy: said to be ignored, and the search is the same.
	if code, _, errOut := runCLI("check", "classic/die-hard", "--progress", "off", "--walks", "5", "--seed", "3"); code != exitViolation ||
		errOut != "themelios: check: --seed and --walks only apply to --strategy simulate: ignored\n" {
		t.Errorf("--walks under bfs: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI("check", "classic/die-hard", "--progress", "off", "--workers", "100000"); code != exitViolation ||
		!strings.HasPrefix(errOut, "themelios: check: 100000 workers on ") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("--workers 100000: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI("check", "classic/die-hard", "--progress", "off", "--progress-every", "1ms"); code != exitViolation || errOut != "" {
		t.Fatalf("--progress off: exit %d %q", code, errOut)
	}
}

// Ctrl-C stops a long check cleanly: the partial result is printed, marked incomplete.
func TestInterrupt(t *testing.T) {
	cmd := exec.Command(cliBinary(t), "check", "classic/two-phase-commit", "--set", "rms=12", "--symmetry=false")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("it took %v to stop", waited)
	}
	if !strings.Contains(errOut.String(), "interrupted: the result below is partial") ||
		!strings.Contains(out.String(), ", interrupted, ") || !strings.Contains(out.String(), "? TCConsistent (always): unknown: not checked to the end: the search was interrupted after ") {
		t.Fatalf("after Ctrl-C:\nstdout %s\nstderr %s", out.String(), errOut.String())
	}
}

// Simulation runs on every worker; a seed gives the same walks, states and trace whatever
// their number.
func TestParallelSimulation(t *testing.T) {
	for _, c := range []struct {
		args []string
		exit int
	}{
		{[]string{"classic/die-hard"}, exitViolation},
		{[]string{"node/restart", "--set", "consistency=optimistic"}, exitOK},
	} {
		var reports []checker.Report
		for _, w := range []string{"1", "2", "4"} {
			args := append([]string{"check"}, c.args...)
			code, out, _ := runCLI(append(args, "--strategy", "simulate", "--seed", "9", "--walks", "400", "--max-depth", "30", "--workers", w, "--json")...)
			var rep checker.Report
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != c.exit {
				t.Fatalf("%v, %s workers: exit %d %v", c.args, w, code, err)
			}
			rep.DurationMS, rep.Workers, rep.BytesPerState = 0, 0, 0
			reports = append(reports, rep)
		}
		if !reflect.DeepEqual(reports[0], reports[1]) || !reflect.DeepEqual(reports[0], reports[2]) {
			t.Fatalf("%v: 1, 2 and 4 workers differ: %d/%d/%d unique, %d/%d/%d walks", c.args, reports[0].Unique, reports[1].Unique, reports[2].Unique,
				reports[0].Walks, reports[1].Walks, reports[2].Walks)
		}
	}
}

// Plain Kubernetes manifests are a scenario's initial cluster: two Deployments check as the
// equivalent scenario file does; what the model does not use is listed as warnings.
func TestManifests(t *testing.T) {
	deployments := `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "web:1"}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "api:1"}]
`
	dir := t.TempDir()
	manifests := filepath.Join(dir, "app.yaml")
	noisy := strings.Replace(deployments, "  replicas: 1\n", "  replicas: 1\n  progressDeadlineSeconds: 600\n", 1)
	noisy = strings.Replace(noisy, `image: "web:1"}]`, `image: "web:1", ports: [{containerPort: 80}]}]`, 1)
	os.WriteFile(manifests, []byte(noisy+"---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n"), 0o644)
	file := filepath.Join(dir, "scenario.yaml")
	var objects strings.Builder
	for _, doc := range strings.Split(deployments, "---\n") {
		for i, line := range strings.Split(strings.TrimSpace(doc), "\n") {
			if i == 0 {
				objects.WriteString("  - " + line + "\n")
			} else {
				objects.WriteString("    " + line + "\n")
			}
		}
	}
	os.WriteFile(file, []byte("apiVersion: themelios.dev/v1alpha1\nkind: Scenario\nmetadata: {name: two}\nspec:\n  objects:\n"+objects.String()), 0o644)
	for _, set := range []string{"consistency=synchronous", "consistency=causal"} {
		code, fromManifests, warnings := runCLI("check", manifests, "--set", set, "--json", "--max-states", "20000")
		code2, fromScenario, errOut := runCLI("check", file, "--set", set, "--json", "--max-states", "20000")
		var a, b checker.Report
		if json.Unmarshal([]byte(fromManifests), &a) != nil || json.Unmarshal([]byte(fromScenario), &b) != nil || code != code2 {
			t.Fatalf("%s: exits %d %d: %s %s", set, code, code2, warnings, errOut)
		}
		a.Target, a.DurationMS, b.Target, b.DurationMS = "", 0, "", 0
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: the manifests check as %d states, the scenario as %d", set, a.Unique, b.Unique)
		}
		for _, want := range []string{
			"app.yaml:7: Deployment/web.spec.progressDeadlineSeconds: has no effect (the model has no clock)",
			"app.yaml:12: Deployment/web.spec.template.spec.containers[0].ports: not modelled, ignored",
			`app.yaml:26: Service/web: kind "Service" is not modelled, skipped`,
		} {
			if !strings.Contains(warnings, want) {
				t.Errorf("warnings lack %q:\n%s", want, warnings)
			}
		}
	}
	// "-" reads standard input, reported as stdin.
	stdin = strings.NewReader(deployments)
	code, out, errOut := runCLI("validate", "-")
	if code != exitOK || out != "stdin: Kubernetes manifests, 2 objects and 0 nodes the model uses, 0 warnings: valid\n" {
		t.Errorf("validate -: exit %d %q %q", code, out, errOut)
	}
	stdin = strings.NewReader(strings.Replace(deployments, "replicas: 1", "replicas: many", 1))
	if code, _, errOut := runCLI("check", "-"); code != exitUsage || !strings.Contains(errOut, `themelios: check: stdin:6: Deployment/web.spec.replicas: want an integer, not "many"`) {
		t.Errorf("check -: exit %d %q", code, errOut)
	}
	stdin = os.Stdin
	// A wrong value of a field the model uses is an error naming the field and its line.
	os.WriteFile(manifests, []byte(strings.Replace(deployments, "replicas: 1", "replicas: many", 1)), 0o644)
	code, _, errOut = runCLI("validate", manifests)
	if code != exitUsage || !strings.Contains(errOut, `app.yaml:6: Deployment/web.spec.replicas: want an integer, not "many"`) {
		t.Fatalf("bad manifests: exit %d\n%s", code, errOut)
	}
}

// Symmetry is on by default (one state per orbit), --symmetry=false explores every state; a
// model without a symmetry (Die Hard) has the plain search either way; the report says which.
func TestSymmetryFlag(t *testing.T) {
	for args, want := range map[string]int64{"": 80, "--symmetry": 80, "--symmetry=false": 288} {
		code, out, _ := runCLI(append([]string{"check", "classic/two-phase-commit", "--json"}, strings.Fields(args)...)...)
		var rep checker.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitOK || rep.Unique != want || !rep.Complete || rep.Symmetry != (want == 80) {
			t.Fatalf("2PC rms=3 %s: exit %d, %d states, want %d, symmetry %v", args, code, rep.Unique, want, rep.Symmetry)
		}
		// The text says when the counts are of orbits.
		_, text, _ := runCLI(append([]string{"check", "classic/two-phase-commit"}, strings.Fields(args)...)...)
		if title := strings.SplitN(text, "\n", 2)[0]; strings.HasSuffix(title, ", one state per orbit (--symmetry)") != (want == 80) {
			t.Errorf("2PC rms=3 %s: %q", args, title)
		}
	}
	for _, args := range []string{"--symmetry", "--symmetry=false"} {
		code, out, _ := runCLI("check", "classic/die-hard", args, "--json", "--keep-going")
		var rep checker.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitViolation || rep.Unique != 16 || rep.Symmetry {
			t.Fatalf("die-hard %s: exit %d, %d states, symmetry %v", args, code, rep.Unique, rep.Symmetry)
		}
	}
}

// A lasso is printed with the steps that repeat forever.
func TestLassoText(t *testing.T) {
	loop := 1
	rep := checker.Report{Target: "t", Strategy: "bfs", Workers: 1, Complete: true, Properties: []checker.PropertyReport{{
		Name: "reaches 3", Expectation: "eventually", Status: "violated", Loop: &loop,
		Trace: []checker.TraceStep{{Action: "init", State: "0"}, {Action: "a", State: "1"}, {Action: "b", State: "2"}, {Action: "c", State: "1"}},
	}}}
	var b bytes.Buffer
	writeReport(&b, rep, "")
	if !strings.Contains(b.String(), "…then steps 2–3 repeat forever (the last step returns to the state of step 1).") {
		t.Fatalf("lasso text:\n%s", b.String())
	}
}

// End to end: a liveness counterexample from a real check is a lasso in the text, in JSON, in
// the permalink, in replay and in the trace graph.
func TestLassoEndToEnd(t *testing.T) {
	code, out, _ := runCLI("check", "pod/restart-loop")
	for _, want := range []string{
		"✗ pods that a node can take are eventually all scheduled (leads to): violated after 5 steps, then steps 4–5 repeat forever",
		"  4. scheduler-1 read revision 1 (2 behind latest) and tried to bind pod a: 409 Conflict",
		"     …then steps 4–5 repeat forever (the last step returns to the state of step 3).",
		"✓ once the environment stops, the controllers come to rest (they do not fight) (quiesces): holds",
	} {
		if code != exitViolation || !strings.Contains(out, want) {
			t.Fatalf("exit %d, output lacks %q:\n%s", code, want, out)
		}
	}
	code, out, link := runCLI("check", "pod/restart-loop", "--json", "--link")
	var rep checker.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != exitViolation {
		t.Fatalf("--json: exit %d %v", code, err)
	}
	p := rep.Properties[2]
	if p.Expectation != "leads to" || p.Loop == nil || *p.Loop != 3 || len(p.Trace) != 6 || !strings.HasSuffix(strings.TrimSpace(link), "&l=3") {
		t.Fatalf("JSON %+v, link %q", p, link)
	}
	code, replayed, _ := runCLI("replay", strings.TrimSpace(link))
	if code != exitOK || !strings.Contains(replayed, "a trace of 5 steps") || !strings.Contains(replayed, "…then steps 4–5 repeat forever") {
		t.Fatalf("replay: exit %d\n%s", code, replayed)
	}
	code, dot, errOut := runCLI("graph", "pod/restart-loop", "--trace", "--format", "dot")
	if code != exitOK || strings.Count(dot, `class="trace cycle"`) < 4 || !strings.Contains(errOut, "steps 4–5 repeating forever (in purple)") {
		t.Fatalf("graph --trace: exit %d %s\n%s", code, errOut, dot)
	}
	// A finite liveness counterexample: the run may stop where nothing fair is left to do.
	code, out, _ = runCLI("check", "replicaset/node-loss")
	if code != exitViolation || !strings.Contains(out, "violated after 3 steps, where the run may stop (no fair action is enabled)") ||
		!strings.Contains(out, "…and the run may stop there: no fair action is enabled.") {
		t.Fatalf("node-loss: exit %d\n%s", code, out)
	}
	if code, _, _ = runCLI("check", "replicaset/node-loss", "--set", "fair=rejoin"); code != exitOK {
		t.Fatalf("node-loss with fair rejoins: exit %d", code)
	}
}

// Every command's help states its exit statuses.
func TestHelpStatesExitStatuses(t *testing.T) {
	for _, cmd := range []string{"list", "check", "graph", "new", "validate", "replay", "matrix", "serve"} {
		code, out, _ := runCLI("help", cmd)
		if code != exitOK || !strings.Contains(out, "Exit status") {
			t.Errorf("themelios help %s (exit %d) does not state its exit statuses:\n%s", cmd, code, out)
		}
	}
	if _, out, _ := runCLI("help"); !strings.Contains(out, "Exit status") {
		t.Errorf("themelios help does not state the exit statuses")
	}
}

// The live commands fail fast, in one line, on what they are given: unknown controllers, a
// missing kubeconfig, an unreachable API server (no informer retrying for ever), a target that
// is neither a scenario nor a file, a file without objects.
func TestLiveCommandsBadInput(t *testing.T) {
	dir := t.TempDir()
	// A kubeconfig whose server refuses connections (port 1 on loopback).
	unreachable := filepath.Join(dir, "kubeconfig")
	os.WriteFile(unreachable, []byte("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster: {server: \"https://127.0.0.1:1\"}\n"+
		"users:\n- name: u\n  user: {token: t}\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\n"), 0o600)
	empty := filepath.Join(dir, "empty.yaml")
	os.WriteFile(empty, []byte("# nothing\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"controller-manager", "--controllers", "replicaset-controller,frobnicator", "--kubeconfig", unreachable}, `unknown controller "frobnicator"`},
		{[]string{"controller-manager", "--nodes", "-1", "--kubeconfig", unreachable}, "must not be negative"},
		{[]string{"controller-manager", "--kubeconfig", filepath.Join(dir, "nope")}, "kubeconfig"},
		{[]string{"controller-manager", "--kubeconfig", unreachable}, "cannot reach the API server at https://127.0.0.1:1"},
		{[]string{"monitor", "--kubeconfig", unreachable}, "cannot reach the API server"},
		{[]string{"monitor", "--settle", "0s", "--kubeconfig", unreachable}, "--settle must be at least 1ms"},
		{[]string{"apply", "no/such-scenario", "--kubeconfig", unreachable}, "neither a built-in scenario"},
		{[]string{"apply", empty, "--kubeconfig", unreachable}, "no objects to apply"},
		{[]string{"apply", "--kubeconfig", unreachable}, "apply takes one SCENARIO or FILE"},
		{[]string{"apply", "replicaset/spec-replicas-change", "--kubeconfig", unreachable}, "cannot reach the API server"},
	} {
		code, out, errOut := runCLI(tc.args...)
		if code != exitUsage || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q: want exit 2 and one line with %q", tc.args, code, out, errOut, tc.want)
		}
	}
	for _, cmd := range []string{"controller-manager", "monitor", "apply"} {
		code, out, _ := runCLI("help", cmd)
		if code != exitOK || !strings.Contains(out, "-kubeconfig") || !strings.Contains(out, "Exit status") {
			t.Errorf("help %s: exit %d\n%s", cmd, code, out)
		}
	}
}

// cliBinary builds the command once for the tests that run it as a process (signals).
func cliBinary(t *testing.T) string {
	t.Helper()
	built.Do(func() {
		dir, err := os.MkdirTemp("", "themelios-cli")
		if err != nil {
			built.err = err
			return
		}
		built.bin = filepath.Join(dir, "themelios")
		if out, err := exec.Command("go", "build", "-o", built.bin, ".").CombinedOutput(); err != nil {
			built.err = fmt.Errorf("build: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.bin
}

var built struct {
	sync.Once
	bin string
	err error
}

// Ctrl-C stops graph while Graphviz lays a large graph out (Graphviz does not watch for it),
// and the file named by --out keeps what it held: it is written only once the drawing is whole.
func TestGraphInterrupt(t *testing.T) {
	file := filepath.Join(t.TempDir(), "g.svg")
	os.WriteFile(file, []byte("the old drawing"), 0o644)
	cmd := exec.Command(cliBinary(t), "graph", "statefulset/stale-reads", "--set", "consistency=resettable-session", "--max-nodes", "5000", "--out", file)
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() }).Stop()
	stderr := bufio.NewReader(pipe)
	var errOut strings.Builder
	for !strings.Contains(errOut.String(), "laying out 5,000 states with sfdp") {
		line, err := stderr.ReadString('\n')
		errOut.WriteString(line)
		if err != nil {
			t.Fatalf("no layout began:\n%s", errOut.String())
		}
	}
	time.Sleep(500 * time.Millisecond) // Graphviz at work
	start := time.Now()
	cmd.Process.Signal(os.Interrupt)
	rest, _ := io.ReadAll(stderr)
	errOut.Write(rest)
	err = cmd.Wait()
	if waited := time.Since(start); waited > 10*time.Second {
		t.Errorf("it took %v to stop", waited)
	}
	if code := cmd.ProcessState.ExitCode(); code != exitUsage || !strings.Contains(errOut.String(), "graph: interrupted while laying out 5,000 states: nothing written") {
		t.Fatalf("after Ctrl-C: %v, exit %d\n%s", err, code, errOut.String())
	}
	if data, _ := os.ReadFile(file); string(data) != "the old drawing" {
		t.Fatalf("--out now holds %d bytes %.40q", len(data), data)
	}
}

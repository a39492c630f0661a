package classic

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/themelios/themelios/checker"
)

// referenceRow is a row of testdata/two-phase-commit.tsv: published counts of TLC and
// stateright.
type referenceRow struct {
	rms                      int
	unique, generated, depth int64
}

func readReference(t *testing.T) []referenceRow {
	t.Helper()
	data, err := os.ReadFile("testdata/two-phase-commit.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var rows []referenceRow
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if strings.HasPrefix(sc.Text(), "#") || f[0] == "rms" {
			continue
		}
		var n [4]int64
		for i := range n {
			if n[i], err = strconv.ParseInt(f[i], 10, 64); err != nil {
				t.Fatalf("bad reference line %q", sc.Text())
			}
		}
		rows = append(rows, referenceRow{int(n[0]), n[1], n[2], n[3]})
	}
	if len(rows) != 8 {
		t.Fatalf("reference has %d rows, want 8", len(rows))
	}
	return rows
}

func TestTwoPhaseMatchesReference(t *testing.T) {
	for _, row := range readReference(t) {
		if row.rms > 7 {
			continue // rms=8 (18.5 million states generated) is measured by make bench
		}
		m, err := NewTwoPhase(row.rms)
		if err != nil {
			t.Fatal(err)
		}
		r, err := checker.Check(context.Background(), m, checker.Options{Workers: 1})
		if err != nil {
			t.Fatal(err)
		}
		if r.Unique != row.unique || r.Generated != row.generated || int64(r.Depth) != row.depth || !r.Complete {
			t.Errorf("rms=%d BFS: unique %d, states %d, depth %d, complete %v; want %d, %d, %d",
				row.rms, r.Unique, r.Generated, r.Depth, r.Complete, row.unique, row.generated, row.depth)
		}
		if p := r.Property("TCConsistent"); p.Status != checker.Holds {
			t.Errorf("rms=%d: TCConsistent %v", row.rms, p.Status)
		}
		// The shortest run that commits: every RM prepares, the TM hears each, commits, and
		// every RM receives the decision: 3*rms+1 steps.
		if p := r.Property("TCCommitted"); p.Status != checker.Holds || len(p.Trace.Steps) != 3*row.rms+1 || !m.AllCommitted(p.Trace.Last()) {
			t.Errorf("rms=%d: TCCommitted %v", row.rms, p.Status)
		}
		for _, o := range []checker.Options{{Workers: 2}, {Workers: 3}, {Strategy: checker.DFS}} {
			got, err := checker.Check(context.Background(), m, o)
			if err != nil {
				t.Fatal(err)
			}
			if got.Unique != row.unique || !got.Complete {
				t.Errorf("rms=%d %v workers=%d: unique %d complete %v, want %d", row.rms, o.Strategy, o.Workers, got.Unique, got.Complete, row.unique)
			}
			if o.Strategy == checker.BFS && (got.Generated != r.Generated || got.Depth != r.Depth ||
				!reflect.DeepEqual(got.Property("TCCommitted").Trace, r.Property("TCCommitted").Trace)) {
				t.Errorf("rms=%d workers=%d: differs from one worker", row.rms, o.Workers)
			}
		}
	}
}

func TestTwoPhaseRejectsBadRMs(t *testing.T) {
	for _, rms := range []int{0, -1, MaxRMs + 1} {
		if _, err := NewTwoPhase(rms); err == nil {
			t.Errorf("rms=%d accepted", rms)
		}
	}
}

func TestDieHardMatchesReference(t *testing.T) {
	ref, err := os.ReadFile("testdata/die-hard.txt")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ref), "16 distinct states, 97 states generated, 8 BFS levels") ||
		!strings.Contains(string(ref), "(0,0) (5,0) (2,3) (2,0) (0,2) (5,2) (4,3)") {
		t.Fatal("testdata/die-hard.txt is not the reference these assertions were written from")
	}
	m := DieHard{}
	r, err := checker.Check(context.Background(), m, checker.Options{KeepGoing: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Unique != 16 || r.Generated != 97 || r.Depth != 8 || !r.Complete {
		t.Errorf("unique %d, states %d, depth %d, complete %v; want 16, 97, 8", r.Unique, r.Generated, r.Depth, r.Complete)
	}
	want := "(0,0) (5,0) (2,3) (2,0) (0,2) (5,2) (4,3)"
	for _, o := range []checker.Options{{}, {Workers: 2}, {KeepGoing: true}} {
		r, err := checker.Check(context.Background(), m, o)
		if err != nil {
			t.Fatal(err)
		}
		p := r.Property("big ≠ 4")
		if p.Status != checker.Violated {
			t.Fatalf("%+v: big ≠ 4 %v", o, p.Status)
		}
		labels := []string{m.LabelState(p.Trace.Init)}
		for _, s := range p.Trace.Steps {
			labels = append(labels, m.LabelState(s.State))
		}
		if got := strings.Join(labels, " "); got != want || len(p.Trace.Steps) != 6 {
			t.Errorf("%+v: trace %s, want %s", o, got, want)
		}
		if r.Property("TypeOK").Status == checker.Violated {
			t.Errorf("TypeOK violated")
		}
	}
}

func TestFormatting(t *testing.T) {
	m, _ := NewTwoPhase(2)
	s, _ := m.Next(TPState{}, TPAction{Kind: RMPrepare, RM: 1})
	if got := m.FormatAction(TPState{}, TPAction{Kind: RMPrepare, RM: 1}); got != "RMPrepare(rm2)" {
		t.Errorf("FormatAction = %q", got)
	}
	want := "tmState = init\ntmPrepared = {}\nmsgs = {Prepared(rm2)}\nrm1 = working\nrm2 = prepared"
	if got := m.FormatState(s); got != want {
		t.Errorf("FormatState = %q", got)
	}
	if got := m.LabelState(s); got != "TM init WP" {
		t.Errorf("LabelState = %q", got)
	}
}

// Full symmetry over resource managers: 80 orbits for rms=3, the same verdicts as without it
// for every size, in every strategy, and concrete traces that replay from the real initial state.
func TestTwoPhaseSymmetry(t *testing.T) {
	m, _ := NewTwoPhase(3)
	r, err := checker.Check(context.Background(), m, checker.Options{Symmetry: true, Workers: 2})
	if err != nil || !r.Complete || r.Unique != 80 {
		t.Fatalf("rms=3 with symmetry: %v, %d states, complete %v; want 80", err, r.Unique, r.Complete)
	}
	for rms := 1; rms <= 6; rms++ {
		m, _ := NewTwoPhase(rms)
		plain, _ := checker.Check(context.Background(), m, checker.Options{Workers: 2})
		for _, strategy := range []checker.Strategy{checker.BFS, checker.DFS, checker.Simulate} {
			sym, err := checker.Check(context.Background(), m, checker.Options{Strategy: strategy, Symmetry: true, Workers: 2, Seed: 1})
			if err != nil || (strategy != checker.Simulate && (!sym.Complete || sym.Unique >= plain.Unique && rms > 1)) {
				t.Fatalf("rms=%d %v: %v, %d states vs %d", rms, strategy, err, sym.Unique, plain.Unique)
			}
			for i, p := range sym.Properties {
				if strategy != checker.Simulate && p.Status != plain.Properties[i].Status {
					t.Errorf("rms=%d %v: %s is %v with symmetry, %v without", rms, strategy, p.Name, p.Status, plain.Properties[i].Status)
				}
				if p.Trace == nil {
					continue
				}
				path, err := checker.PathOf[TPState, TPAction](m, p.Trace)
				if err != nil {
					t.Fatalf("rms=%d %v: the trace of %s is not concrete: %v", rms, strategy, p.Name, err)
				}
				again, err := checker.Replay[TPState, TPAction](m, 0, path)
				if err != nil || again.Last() != p.Trace.Last() {
					t.Fatalf("rms=%d %v: the trace of %s does not replay: %v", rms, strategy, p.Name, err)
				}
			}
		}
	}
	if plain, sym := mustCheck(t, 3, false), mustCheck(t, 3, true); plain.Property("TCCommitted").Trace == nil || sym.Property("TCCommitted").Trace == nil ||
		len(plain.Property("TCCommitted").Trace.Steps) != len(sym.Property("TCCommitted").Trace.Steps) {
		t.Fatal("the shortest witness has another length under symmetry")
	}
	// A model that declares no symmetry has orbits of one state: the plain search.
	dh, err := checker.Check(context.Background(), checker.Model[Jugs, JugAction](DieHard{}), checker.Options{Symmetry: true, KeepGoing: true})
	if err != nil || dh.Unique != 16 || dh.Generated != 97 {
		t.Fatalf("Die Hard under symmetry: %d states, %d generated, %v; want the plain 16 and 97", dh.Unique, dh.Generated, err)
	}
}

func mustCheck(t *testing.T, rms int, symmetry bool) checker.Result[TPState, TPAction] {
	m, _ := NewTwoPhase(rms)
	r, err := checker.Check(context.Background(), m, checker.Options{Symmetry: symmetry})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

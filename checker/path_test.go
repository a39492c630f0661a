package checker

import (
	"reflect"
	"testing"
)

func TestPathsRoundTrip(t *testing.T) {
	g := randomGraph(3000, 4, 11)
	g.props = []Property[int]{{Name: "not 2999", Expect: Always, Holds: func(s int) bool { return s != 2999 }}}
	r := check(t, g, Options{})
	tr := r.Properties[0].Trace
	path, err := PathOf[int, int](g, tr)
	if err != nil || len(path) != len(tr.Steps) {
		t.Fatalf("PathOf: %v %v", path, err)
	}
	back, err := Replay[int, int](g, 0, path)
	if err != nil || !reflect.DeepEqual(statesOf(back), statesOf(tr)) {
		t.Fatalf("Replay: %v %v", statesOf(back), err)
	}
	if _, err := Replay[int, int](g, 0, append(path, 99)); err == nil {
		t.Fatal("a bad index was accepted")
	}
	if _, err := Replay[int, int](g, 1, nil); err == nil {
		t.Fatal("a bad initial state was accepted")
	}
	// Disabled actions do not count: state 0 of this graph has actions to 1, (disabled), 2.
	h := &graphModel{inits: []int{0}, succ: [][]int{{1, -1, 2}, nil, nil}}
	if tr, _ := Replay[int, int](h, 0, []int{1}); tr.Last() != 2 {
		t.Fatalf("index 1 reached %d, want 2", tr.Last())
	}
}

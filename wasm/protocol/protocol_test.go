package protocol

import (
	"slices"
	"strings"
	"testing"
)

func TestDecodeRequest(t *testing.T) {
	r, err := DecodeRequest([]byte(`{"type":"check","id":3,"target":"classic/die-hard","strategy":"bfs"}`))
	if err != nil || r.ID != 3 {
		t.Fatalf("%v %+v", err, r)
	}
	o := r.Options()
	if o.MaxStates != DefaultMaxStates || o.Timeout != DefaultTimeout || o.MaxMemory != MaxMemory || o.NoReduction || o.Symmetry {
		t.Fatalf("defaults not applied: %+v", o)
	}
	if r, err := DecodeRequest([]byte(`{"type":"check","target":"classic/die-hard","strategy":"bfs","noReduction":true,"symmetry":true}`)); err != nil || !r.Options().NoReduction || !r.Options().Symmetry {
		t.Fatalf("every step and symmetry asked: %v %+v", err, r.Options())
	}
	_, err = DecodeRequest([]byte(`{"type":"run","target":"nope","strategy":"astar","maxStates":-1,"maxDepth":-1,"timeoutMs":99999999999}`))
	for _, want := range []string{`type "run"`, "unknown strategy", "maxStates", "maxDepth", "timeoutMs", `unknown target "nope"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if _, err := DecodeRequest([]byte(`[1,2]`)); err == nil {
		t.Error("a list accepted")
	}
	// A refused request keeps its ID, so that the refusal answers it.
	if r, err := DecodeRequest([]byte(`{"type":"choices","id":7,"target":"nope"}`)); err == nil || r.ID != 7 || r.Type != TypeChoices {
		t.Fatalf("refused: %v %+v", err, r)
	}
	// Requests about a run: a path of action indices, a step of it, a loop before its last state.
	if r, err := DecodeRequest([]byte(`{"type":"choices","id":4,"target":"classic/die-hard","path":[1,5],"step":2}`)); err != nil || r.Step != 2 || len(r.Path) != 2 {
		t.Fatalf("choices: %v %+v", err, r)
	}
	for in, want := range map[string]string{
		`{"type":"explore","target":"classic/die-hard","path":[1,-5]}`:       "negative action index",
		`{"type":"choices","target":"classic/die-hard","path":[1],"step":2}`: "step 2 is not a step of the path (0 to 1)",
		`{"type":"graph","target":"classic/die-hard","path":[1,2],"loop":2}`: "loop 2 is not a state",
		`{"type":"graph","target":"nope"}`:                                   `unknown target "nope"`,
	} {
		if _, err := DecodeRequest([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error with %q", in, err, want)
		}
	}
}

func TestDecodeResponse(t *testing.T) {
	for _, bad := range []string{`{"type":"progress"}`, `{"type":"result"}`, `{"type":"error"}`, `{"type":"explored"}`, `{"type":"dot"}`, `{"type":"gossip"}`, `nope`} {
		if _, err := DecodeResponse([]byte(bad)); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestTutorials(t *testing.T) {
	if _, err := DecodeTutorial([]byte(`{"slug":"a","title":"A","blocks":[{"run":{"target":"nope"}}]}`)); err == nil {
		t.Fatal("unknown scenario accepted")
	}
	if tu, err := DecodeTutorial([]byte(`{"slug":"a","title":"A","blocks":[{"html":"<p>x</p>"}]}`)); err != nil || len(tu.Blocks) != 1 {
		t.Fatalf("%v", err)
	}
}

func FuzzDecodeTutorial(f *testing.F) {
	f.Add([]byte(`{"slug":"a","title":"A","blocks":[{"html":"<p>x</p>"},{"run":{"target":"classic/die-hard","expect":"all hold"}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if tu, err := DecodeTutorial(data); err == nil && (tu.Slug == "" || tu.Title == "") {
			t.Fatal("accepted a tutorial without slug or title")
		}
	})
}

func FuzzDecodeRequest(f *testing.F) {
	f.Add([]byte(`{"type":"check","id":3,"target":"classic/die-hard","strategy":"bfs"}`))
	f.Add([]byte(`{"type":"check","target":"replicaset/overlapping","sets":["consistency=causal"],"strategy":"simulate","seed":4}`))
	f.Add([]byte(`{"maxStates":1e300}`))
	f.Add([]byte(`{"type":"explore","id":2,"target":"classic/die-hard","path":[1,5]}`))
	f.Add([]byte(`{"type":"choices","id":2,"target":"pod/restart-loop","path":[0,0,1],"step":3}`))
	f.Add([]byte(`{"type":"graph","id":2,"target":"classic/die-hard","path":[1],"loop":0}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeRequest(data)
		if err != nil {
			return
		}
		if o := r.Options(); r.Type == TypeCheck && (o.Validate() != nil || o.MaxStates > MaxMaxStates || o.Timeout > MaxTimeout) {
			t.Fatalf("accepted %s with options %+v", data, o)
		}
		// A request about a run: its indices are within what the worker can follow.
		if r.Type != TypeCheck && (len(r.Path) > MaxPath || slices.ContainsFunc(r.Path, func(a int) bool { return a < 0 }) ||
			r.Step < 0 || r.Step > len(r.Path) || r.Loop != nil && (*r.Loop < 0 || *r.Loop >= max(len(r.Path), 1))) {
			t.Fatalf("accepted %s", data)
		}
	})
}

func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"type":"progress","id":1,"progress":{"states":5}}`))
	f.Add([]byte(`{"type":"result","id":1,"report":{"target":"x","properties":[{"name":"p","trace":[{"action":"init"}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeResponse(data)
		if err == nil && r.Type == TypeResult && r.Report == nil {
			t.Fatal("a result without a report")
		}
	})
}

package targets

import (
	"strings"
	"testing"
)

func TestResolve(t *testing.T) {
	e, ok := Lookup("classic/two-phase-commit")
	if !ok {
		t.Fatal("two-phase commit not found")
	}
	v, err := e.Resolve(nil)
	if err != nil || v.Int("rms") != 3 || e.Describe(v) != "rms=3" {
		t.Fatalf("defaults: %v %v", err, e.Describe(v))
	}
	if v, err = e.Resolve([]string{"rms=5"}); err != nil || v.Int("rms") != 5 {
		t.Fatalf("rms=5: %v", err)
	}
	_, err = e.Resolve([]string{"rms=0", "nodes=3", "oops"})
	if err == nil {
		t.Fatal("bad settings accepted")
	}
	for _, want := range []string{"rms must be an integer from 1 to 16", `no parameter "nodes"`, `"oops" is not name=value`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	enum := Param{Name: "consistency", Choices: []string{"a", "b"}}
	if enum.check("b") != nil || enum.check("c") == nil {
		t.Error("choices not enforced")
	}
	// A scenario's enumerations and bounds are checked here; its free-form settings (staleness,
	// scale, fair) when its model is built.
	s, _ := Lookup("replicaset/spec-replicas-change")
	if _, err := s.Resolve([]string{"consistency=eventual", "nodes=9"}); err == nil ||
		!strings.Contains(err.Error(), "consistency must be one of synchronous") || !strings.Contains(err.Error(), "nodes must be an integer from 1 to 6") {
		t.Errorf("bad scenario settings: %v", err)
	}
	if v, err := s.Resolve([]string{"staleness=unbounded", "fair=crash"}); err != nil || v.String("staleness") != "unbounded" {
		t.Errorf("free-form settings: %v", err)
	}
}

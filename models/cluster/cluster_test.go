package cluster

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestClusterIsImmutable(t *testing.T) {
	a := &Pod{ObjectMeta: ObjectMeta{Name: "a"}}
	n := &Node{ObjectMeta: ObjectMeta{Name: "a"}}
	c := New(a, n)
	if c.Objects()[0] != n || c.Pod("a") != a || c.Node("a") != n || c.Get(KindReplicaSet, "a") != nil {
		t.Fatal("lookup or kind order wrong")
	}
	b := &Pod{ObjectMeta: ObjectMeta{Name: "b"}}
	a2 := &Pod{ObjectMeta: ObjectMeta{Name: "a", UID: 2}}
	c2 := c.With(b).With(a2)
	if len(c.Objects()) != 2 || c.Pod("a") != a || len(c2.Objects()) != 3 || c2.Pod("a") != a2 || len(c2.Pods()) != 2 {
		t.Fatal("With changed the original or did not replace")
	}
	c3 := c2.Without(KindPod, "a")
	if c2.Pod("a") == nil || c3.Pod("a") != nil || len(c3.OfKind(KindPod)) != 1 || c3.Without(KindPod, "zz") != c3 {
		t.Fatal("Without")
	}
}

func TestLabels(t *testing.T) {
	l := Labels{}.With("b", "2").With("a", "1").With("b", "3")
	if len(l) != 2 || l[0].Key != "a" || l[1].Value != "3" {
		t.Fatalf("With: %v", l)
	}
	// Inserted where it sorts (first, between, last), replaced in place, the receiver intact.
	base := Labels{{"b", "1"}, {"d", "2"}}
	for key, want := range map[string]string{"a": "a=x b=1 d=2", "c": "b=1 c=x d=2", "e": "b=1 d=2 e=x", "d": "b=1 d=x"} {
		var got []string
		for _, kv := range base.With(key, "x") {
			got = append(got, kv.Key+"="+kv.Value)
		}
		if strings.Join(got, " ") != want {
			t.Errorf("With(%q): %v, want %s", key, got, want)
		}
	}
	if base[1].Value != "2" {
		t.Errorf("With changed its receiver: %v", base)
	}
	if !(Labels{{"a", "1"}}).Matches(l) || (Labels{{"a", "2"}}).Matches(l) || (Labels{}).Matches(l) {
		t.Fatal("Matches")
	}
	j, _ := json.Marshal(l)
	if string(j) != `{"a":"1","b":"3"}` {
		t.Fatalf("JSON %s", j)
	}
}

func TestOnlyFinalizersRemoved(t *testing.T) {
	a := ObjectMeta{Name: "x", Finalizers: []string{"f", "g"}}
	b := a.deepCopy()
	b.Finalizers = []string{"g"}
	c := a.deepCopy()
	c.Finalizers = []string{"h"}
	d := b.deepCopy()
	d.Labels = Labels{{"k", "v"}}
	if !OnlyFinalizersRemoved(&a, &b) || OnlyFinalizersRemoved(&a, &c) || OnlyFinalizersRemoved(&a, &d) {
		t.Fatal("OnlyFinalizersRemoved")
	}
}

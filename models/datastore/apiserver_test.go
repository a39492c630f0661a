package datastore

import (
	"strings"
	"testing"

	"github.com/themelios/themelios/models/cluster"
)

func pod(name string) *cluster.Pod {
	return &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name}, Spec: cluster.PodSpec{Image: "web:1", RestartPolicy: cluster.RestartAlways}}
}

// mustApply applies w and fails the test unless the outcome has the wanted code.
func mustApply(t *testing.T, c *cluster.Cluster, w Write, rev int64, uid cluster.UID, code int) *cluster.Cluster {
	t.Helper()
	next, out := Apply(c, w, rev, uid)
	if out.Code != code {
		t.Fatalf("%v %v: got %v, want %d", w.Verb, w.Object, out, code)
	}
	if !out.OK() && next != c {
		t.Fatalf("a rejected write changed the cluster")
	}
	return next
}

func TestCreate(t *testing.T) {
	c := cluster.New()
	c = mustApply(t, c, Write{Verb: Create, Object: pod("a")}, 2, 7, 201)
	p := c.Pod("a")
	if p.UID != 7 || p.Generation != 1 || p.ResourceVersion != 2 || p.CreationRevision != 2 || p.Terminating() {
		t.Fatalf("created pod meta %+v", p.ObjectMeta)
	}
	// Names are unique per kind...
	mustApply(t, c, Write{Verb: Create, Object: pod("a")}, 3, 8, 409)
	// ... but not across kinds.
	node := &cluster.Node{ObjectMeta: cluster.ObjectMeta{Name: "a"}}
	mustApply(t, c, Write{Verb: Create, Object: node}, 3, 8, 201)
	// generateName takes the lowest free generated name.
	gen := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{GenerateName: "web-"}}
	c1, out := Apply(c, Write{Verb: Create, Object: gen}, 3, 8)
	if out.Name != GeneratedName("web-", 0) || c1.Pod(out.Name) == nil || !strings.HasPrefix(out.Name, "web-") || len(out.Name) != 9 {
		t.Fatalf("generated %q", out.Name)
	}
	c2, out2 := Apply(c1, Write{Verb: Create, Object: gen}, 4, 9)
	if out2.Name != GeneratedName("web-", 1) || out2.Name == out.Name {
		t.Fatalf("second generated name %q", out2.Name)
	}
	c3, _ := Apply(c2, Write{Verb: Delete, Kind: cluster.KindPod, Name: out.Name}, 5, 0)
	if _, out3 := Apply(c3, Write{Verb: Create, Object: gen}, 6, 10); out3.Name != out.Name {
		t.Fatalf("freed name not reused: %q", out3.Name)
	}
	mustApply(t, c, Write{Verb: Create, Object: &cluster.Pod{}}, 3, 8, 422)
	// The sent object is not aliased by the store.
	sent := pod("b")
	c4 := mustApply(t, c, Write{Verb: Create, Object: sent}, 3, 8, 201)
	sent.Spec.Image = "changed"
	if c4.Pod("b").Spec.Image != "web:1" {
		t.Fatal("the store aliases the sent object")
	}
}

func TestGeneratedNamesAreDistinct(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100000; i++ {
		n := GeneratedName("x-", i)
		if seen[n] {
			t.Fatalf("GeneratedName repeats %q at %d", n, i)
		}
		seen[n] = true
	}
}

func TestUpdate(t *testing.T) {
	c := mustApply(t, cluster.New(), Write{Verb: Create, Object: pod("a")}, 2, 7, 201)
	p := c.Pod("a").DeepCopy().(*cluster.Pod)
	// A label change keeps the generation; a spec change bumps it.
	p.Labels = p.Labels.With("app", "web")
	c1 := mustApply(t, c, Write{Verb: Update, Object: p}, 3, 0, 200)
	if q := c1.Pod("a"); q.Generation != 1 || q.ResourceVersion != 3 || q.Labels[0].Value != "web" {
		t.Fatalf("label update: %+v", q.ObjectMeta)
	}
	p2 := c1.Pod("a").DeepCopy().(*cluster.Pod)
	p2.Spec.Image = "web:2"
	p2.Status.Phase = cluster.PodRunning // ignored by a spec update
	c2 := mustApply(t, c1, Write{Verb: Update, Object: p2}, 4, 0, 200)
	if q := c2.Pod("a"); q.Generation != 2 || q.Spec.Image != "web:2" || q.Status.Phase != "" {
		t.Fatalf("spec update: %+v %+v", q.ObjectMeta, q.Status)
	}
	// Stale resourceVersion: 409, nothing changes.
	mustApply(t, c2, Write{Verb: Update, Object: p2}, 5, 0, 409)
	// Missing object: 404.
	mustApply(t, c2, Write{Verb: Update, Object: pod("zz")}, 5, 0, 404)
	// UID mismatch (deleted and re-created): 409.
	p3 := c2.Pod("a").DeepCopy().(*cluster.Pod)
	p3.UID = 99
	mustApply(t, c2, Write{Verb: Update, Object: p3}, 5, 0, 409)
	// A status update changes only the status.
	p4 := c2.Pod("a").DeepCopy().(*cluster.Pod)
	p4.Status.Phase = cluster.PodRunning
	p4.Spec.Image = "ignored"
	c3 := mustApply(t, c2, Write{Verb: UpdateStatus, Object: p4}, 5, 0, 200)
	if q := c3.Pod("a"); q.Status.Phase != cluster.PodRunning || q.Spec.Image != "web:2" || q.Generation != 2 || q.ResourceVersion != 5 {
		t.Fatalf("status update: %+v", q)
	}
	// The API server owns UID, creation and generation: a client cannot set them.
	p5 := c3.Pod("a").DeepCopy().(*cluster.Pod)
	p5.Generation, p5.CreationRevision = 40, 40
	c4 := mustApply(t, c3, Write{Verb: Update, Object: p5}, 6, 0, 200)
	if q := c4.Pod("a"); q.Generation != 2 || q.CreationRevision != 2 {
		t.Fatalf("owned fields changed: %+v", q.ObjectMeta)
	}
}

func TestDeleteAndTermination(t *testing.T) {
	c := mustApply(t, cluster.New(), Write{Verb: Create, Object: pod("a")}, 2, 7, 201)
	// An unscheduled pod is removed at once.
	if c1 := mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "a", UID: 7}, 3, 0, 200); c1.Pod("a") != nil {
		t.Fatal("unscheduled pod not removed")
	}
	mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "a", UID: 8}, 3, 0, 409)
	mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "b"}, 3, 0, 404)
	// Binding, then a graceful delete: the pod becomes terminating.
	c = mustApply(t, c, Write{Verb: Bind, Name: "a", UID: 7, Node: "n1"}, 3, 0, 200)
	mustApply(t, c, Write{Verb: Bind, Name: "a", UID: 7, Node: "n2"}, 4, 0, 409)
	c = mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "a", UID: 7}, 4, 0, 200)
	p := c.Pod("a")
	if p == nil || !p.Terminating() || p.ResourceVersion != 4 {
		t.Fatalf("graceful delete: %+v", p)
	}
	// A terminating object accepts status updates but no other change...
	q := p.DeepCopy().(*cluster.Pod)
	q.Labels = q.Labels.With("x", "y")
	mustApply(t, c, Write{Verb: Update, Object: q}, 5, 0, 409)
	q = p.DeepCopy().(*cluster.Pod)
	q.Status.Phase = cluster.PodFailed
	if c1 := mustApply(t, c, Write{Verb: UpdateStatus, Object: q}, 5, 0, 200); c1.Pod("a").Status.Phase != cluster.PodFailed || !c1.Pod("a").Terminating() {
		t.Fatalf("status update of a terminating pod: %+v", c1.Pod("a"))
	}
	mustApply(t, c, Write{Verb: Bind, Name: "a", UID: 7, Node: "n2"}, 5, 0, 409)
	// ... and a forced delete removes it.
	if c1 := mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "a", UID: 7, Force: true}, 5, 0, 200); c1.Pod("a") != nil {
		t.Fatal("forced delete kept the pod")
	}
	// Finalizers: delete is soft; removing finalizers one by one; the last removal deletes.
	rs := &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "rs", Finalizers: []string{"f1", "f2"}}}
	c = mustApply(t, cluster.New(), Write{Verb: Create, Object: rs}, 2, 3, 201)
	c = mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindReplicaSet, Name: "rs"}, 3, 0, 200)
	r := c.Get(cluster.KindReplicaSet, "rs").(*cluster.ReplicaSet)
	if !r.Terminating() {
		t.Fatal("delete with finalizers was not soft")
	}
	r2 := r.DeepCopy().(*cluster.ReplicaSet)
	r2.Finalizers = []string{"f2"}
	c = mustApply(t, c, Write{Verb: Update, Object: r2}, 4, 0, 200)
	r3 := c.Get(cluster.KindReplicaSet, "rs").DeepCopy().(*cluster.ReplicaSet)
	r3.Finalizers = []string{"f2", "f3"} // adding a finalizer is refused
	mustApply(t, c, Write{Verb: Update, Object: r3}, 5, 0, 409)
	r3.Finalizers = nil
	if c = mustApply(t, c, Write{Verb: Update, Object: r3}, 5, 0, 200); c.Get(cluster.KindReplicaSet, "rs") != nil {
		t.Fatal("removing the last finalizer did not delete")
	}
}

// TestRejectionSentences checks the message of every kind of rejection, which an Outcome
// keeps as its cause and writes only when asked.
func TestRejectionSentences(t *testing.T) {
	c := cluster.New()
	c = mustApply(t, c, Write{Verb: Create, Object: pod("a")}, 2, 7, 201)
	stale := c.Pod("a").DeepCopy().(*cluster.Pod)
	c = mustApply(t, c, Write{Verb: Bind, Name: "a", Node: "node-1"}, 3, 0, 200)
	withFinalizer := pod("f")
	withFinalizer.Finalizers = []string{"keep"}
	c = mustApply(t, c, Write{Verb: Create, Object: withFinalizer}, 4, 8, 201)
	c = mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "f"}, 5, 0, 200)
	terminating := c.Pod("f").DeepCopy().(*cluster.Pod)
	terminating.Spec.Image = "web:2"
	for _, tc := range []struct {
		w    Write
		want string
	}{
		{Write{Verb: Verb(99)}, "422 Invalid: unknown verb"},
		{Write{Verb: Create, Object: &cluster.Pod{}}, "422 Invalid: name or generateName is required"},
		{Write{Verb: Create, Object: pod("a")}, `409 Conflict: Pod "a" already exists`},
		{Write{Verb: Delete, Kind: cluster.KindPod, Name: "b"}, `404 Not Found: Pod "b" not found`},
		{Write{Verb: Delete, Kind: cluster.KindPod, Name: "a", UID: 99}, `409 Conflict: UID precondition failed: Pod "a" was deleted and re-created`},
		{Write{Verb: Update, Object: stale}, "409 Conflict: the object has been modified (resourceVersion 3, not 2)"},
		{Write{Verb: Update, Object: terminating}, `409 Conflict: Pod "f" is terminating: only the removal of finalizers is accepted`},
		{Write{Verb: Bind, Name: "a", Node: "node-2"}, `409 Conflict: pod "a" is already assigned to node "node-1"`},
		{Write{Verb: Bind, Name: "f", Node: "node-2"}, `409 Conflict: pod "f" is being deleted`},
	} {
		if _, out := Apply(c, tc.w, 6, 9); out.String() != tc.want {
			t.Errorf("%v: got %q, want %q", tc.w.Verb, out.String(), tc.want)
		}
	}
	if _, out := Apply(c, Write{Verb: Create, Object: pod("z")}, 6, 9); out.Reason() != "" || out.String() != "201 Created" {
		t.Errorf("an accepted write: %q %q", out.Reason(), out)
	}
}

// TestPatches: metadata and status patches carry no resourceVersion (a patch from a stale
// read lands), check the UID when given, merge owner references by UID and finalizers as a
// set; a write that changes nothing is accepted and stored nowhere.
func TestPatches(t *testing.T) {
	c := cluster.New()
	c = mustApply(t, c, Write{Verb: Create, Object: pod("a")}, 2, 7, 201)
	stale := c.Pod("a").DeepCopy().(*cluster.Pod)
	c = mustApply(t, c, Write{Verb: Bind, Name: "a", UID: 7, Node: "n1"}, 3, 0, 200)

	owner := cluster.OwnerReference{Kind: cluster.KindReplicaSet, Name: "web", UID: 40, Controller: true}
	adopt := Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", UID: 7, Patch: MetaPatch{AddOwner: owner, AddFinalizer: "keep"}}
	c = mustApply(t, c, adopt, 4, 0, 200)
	p := c.Pod("a")
	if ref, ok := p.ControllerRef(); !ok || ref != owner || !p.HasFinalizer("keep") || p.ResourceVersion != 4 || p.Spec.NodeName != "n1" {
		t.Fatalf("adopted pod %+v", p.ObjectMeta)
	}
	// The same patch again changes nothing: accepted, no new copy.
	if next, out := Apply(c, adopt, 5, 0); !out.OK() || next != c {
		t.Fatalf("a patch that changes nothing: %v, same cluster %v", out, next == c)
	}
	// A UID the object does not have: invalid, the UID being immutable.
	mustApply(t, c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", UID: 8, Patch: MetaPatch{RemoveOwner: 40}}, 5, 0, 422)
	mustApply(t, c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "b", Patch: MetaPatch{RemoveOwner: 40}}, 5, 0, 404)

	// A status patch computed from the stale copy (resourceVersion 2) lands on the current one.
	st := stale.DeepCopy().(*cluster.Pod)
	st.Status = cluster.PodStatus{Phase: cluster.PodRunning, Ready: true}
	c = mustApply(t, c, Write{Verb: PatchStatus, Object: st, UID: 7}, 5, 0, 200)
	if p := c.Pod("a"); p.Status.Phase != cluster.PodRunning || p.Spec.NodeName != "n1" || p.ResourceVersion != 5 {
		t.Fatalf("status patch: %+v %+v", p.Status, p.ObjectMeta)
	}
	// ... where an update of the status from it conflicts.
	mustApply(t, c, Write{Verb: UpdateStatus, Object: st}, 6, 0, 409)
	// The same status again: accepted, stored nowhere; so is a second delete request.
	if next, out := Apply(c, Write{Verb: PatchStatus, Object: st, UID: 7}, 6, 0); !out.OK() || next != c {
		t.Fatalf("a status patch that changes nothing: %v", out)
	}

	// Release, and the removal of the last finalizer of a terminating pod removes it.
	c = mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "a"}, 6, 0, 200)
	if next, out := Apply(c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "a"}, 7, 0); !out.OK() || next != c {
		t.Fatalf("a second delete request: %v", out)
	}
	c = mustApply(t, c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", Patch: MetaPatch{RemoveOwner: 40}}, 7, 0, 200)
	if p := c.Pod("a"); len(p.OwnerReferences) != 0 || !p.Terminating() {
		t.Fatalf("released pod %+v", p.ObjectMeta)
	}
	c = mustApply(t, c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", Patch: MetaPatch{RemoveFinalizer: "keep"}}, 8, 0, 200)
	if c.Pod("a") != nil {
		t.Fatal("a terminating pod without finalizers is still there")
	}
}

// TestNoOpWritesAddNoRevision: the store adds no revision for an accepted write that changes
// nothing in the latest revision.
func TestNoOpWritesAddNoRevision(t *testing.T) {
	cfg := Config{Level: MonotonicSession, Staleness: 2}
	s := NewStore(cluster.New(pod("a")))
	p := s.Latest().Cluster.Pod("a")
	same := p.DeepCopy().(*cluster.Pod)
	s2, out := cfg.Write(s, 1, Write{Verb: PatchStatus, Object: same, UID: p.UID}, 0)
	if !out.OK() || len(s2.History) != len(s.History) {
		t.Fatalf("a no-op status patch: %v, %d revisions", out, len(s2.History))
	}
	running := p.DeepCopy().(*cluster.Pod)
	running.Status.Phase = cluster.PodRunning
	if s3, out := cfg.Write(s, 1, Write{Verb: PatchStatus, Object: running, UID: p.UID}, 0); !out.OK() || len(s3.History) != len(s.History)+1 {
		t.Fatalf("a status patch: %v, %d revisions", out, len(s3.History))
	}
}

// TestNoOpAfterRelease: a patch that empties a list leaves the object as a copy would have it,
// so that writing the same again is still seen to change nothing.
func TestNoOpAfterRelease(t *testing.T) {
	owner := cluster.OwnerReference{Kind: cluster.KindReplicaSet, Name: "web", UID: 40, Controller: true}
	c := mustApply(t, cluster.New(), Write{Verb: Create, Object: pod("a")}, 2, 7, 201)
	c = mustApply(t, c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", Patch: MetaPatch{AddOwner: owner}}, 3, 0, 200)
	release := Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", Patch: MetaPatch{RemoveOwner: 40}}
	c = mustApply(t, c, release, 4, 0, 200)
	if next, out := Apply(c, release, 5, 0); !out.OK() || next != c {
		t.Fatalf("a repeated release stored a new copy: resourceVersion %d", next.Pod("a").ResourceVersion)
	}
	st := c.Pod("a").DeepCopy().(*cluster.Pod)
	if next, out := Apply(c, Write{Verb: PatchStatus, Object: st, UID: 7}, 5, 0); !out.OK() || next != c {
		t.Fatal("an identical status patch after a release stored a new copy")
	}
}

// Rules the API rules' conformance check (conformance/apirules) found against a real
// kube-apiserver v1.34.3.
func TestRulesFromTheRealAPIServer(t *testing.T) {
	// Kinds whose registry strategy sets no generation (Node, ControllerRevision,
	// PersistentVolumeClaim) have generation 0, and a spec change does not bump it.
	c := cluster.New()
	node := &cluster.Node{ObjectMeta: cluster.ObjectMeta{Name: "n"}}
	rev := &cluster.ControllerRevision{ObjectMeta: cluster.ObjectMeta{Name: "r"}, Revision: 1}
	claim := &cluster.PersistentVolumeClaim{ObjectMeta: cluster.ObjectMeta{Name: "c"}}
	c = mustApply(t, c, Write{Verb: Create, Object: node}, 2, 7, 201)
	c = mustApply(t, c, Write{Verb: Create, Object: rev}, 3, 8, 201)
	c = mustApply(t, c, Write{Verb: Create, Object: claim}, 4, 9, 201)
	c = mustApply(t, c, Write{Verb: Create, Object: pod("p")}, 5, 10, 201)
	for _, k := range []cluster.Kind{cluster.KindNode, cluster.KindControllerRevision, cluster.KindPersistentVolumeClaim} {
		if g := c.OfKind(k)[0].Meta().Generation; g != 0 {
			t.Errorf("created %s has generation %d, want 0", k, g)
		}
	}
	n2 := c.Node("n").DeepCopy().(*cluster.Node)
	n2.Spec.Unschedulable = true
	c = mustApply(t, c, Write{Verb: Update, Object: n2}, 6, 0, 200)
	if g := c.Node("n").Generation; g != 0 {
		t.Errorf("a node's spec change set generation %d, want 0", g)
	}
	// Setting deletionTimestamp bumps a generation that is set: a bound pod's graceful delete,
	// an object with finalizers.
	bound := c.Pod("p").DeepCopy().(*cluster.Pod)
	bound.Spec.NodeName = "n"
	c = c.With(bound)
	c = mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "p"}, 7, 0, 200)
	if p := c.Pod("p"); !p.Terminating() || p.Generation != 2 {
		t.Errorf("gracefully deleted pod: terminating %v, generation %d; want true, 2", p.Terminating(), p.Generation)
	}
	// A patch whose metadata.uid is not the object's is invalid (422: the UID is immutable),
	// where a delete's or an update's UID precondition conflicts (409).
	c = mustApply(t, c, Write{Verb: Create, Object: pod("q")}, 8, 11, 201)
	sent := c.Pod("q").DeepCopy().(*cluster.Pod)
	sent.Status.Phase = cluster.PodRunning
	_, out := Apply(c, Write{Verb: PatchStatus, Object: sent, UID: 99}, 9, 0)
	if out.Code != 422 || !strings.Contains(out.Reason(), "metadata.uid") {
		t.Errorf("status patch with another UID: %v, want 422 on metadata.uid", out)
	}
	_, out = Apply(c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "q", UID: 99, Patch: MetaPatch{AddFinalizer: "f"}}, 9, 0)
	if out.Code != 422 {
		t.Errorf("patch with another UID: %v, want 422", out)
	}
	mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "q", UID: 99}, 9, 0, 409)
}

// A bound pod in a terminal phase is deleted at once, as an unbound one (upstream v1.34.3
// podStrategy.CheckGracefulDelete: grace period 0 for Succeeded and Failed pods).
func TestFinishedPodsAreDeletedAtOnce(t *testing.T) {
	p := pod("done")
	p.Spec.NodeName, p.Status.Phase = "n1", cluster.PodSucceeded
	c := mustApply(t, cluster.New(), Write{Verb: Create, Object: p}, 2, 7, 201)
	done := c.Pod("done").DeepCopy().(*cluster.Pod)
	done.Status.Phase = cluster.PodSucceeded
	c = c.With(done)
	c = mustApply(t, c, Write{Verb: Delete, Kind: cluster.KindPod, Name: "done"}, 3, 0, 200)
	if c.Pod("done") != nil {
		t.Fatal("a Succeeded pod bound to a node was deleted gracefully")
	}
}

// TestPatchesLeaveEarlierCopies: a patch that removes an owner or a finalizer leaves the copy it
// patched, which older revisions still hold, as it was (a store whose copies shared their
// metadata lists would fail it: slices.DeleteFunc edits in place).
func TestPatchesLeaveEarlierCopies(t *testing.T) {
	c := cluster.New()
	c = mustApply(t, c, Write{Verb: Create, Object: pod("a")}, 2, 7, 201)
	owners := []cluster.OwnerReference{{Kind: cluster.KindReplicaSet, Name: "web", UID: 40, Controller: true}, {Kind: cluster.KindReplicaSet, Name: "old", UID: 41}}
	for _, o := range owners {
		c = mustApply(t, c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", UID: 7, Patch: MetaPatch{AddOwner: o}}, c.Pod("a").ResourceVersion+1, 0, 200)
	}
	for _, f := range []string{"one", "two"} {
		c = mustApply(t, c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", UID: 7, Patch: MetaPatch{AddFinalizer: f}}, c.Pod("a").ResourceVersion+1, 0, 200)
	}
	before := c.Pod("a")
	c2 := mustApply(t, c, Write{Verb: Patch, Kind: cluster.KindPod, Name: "a", UID: 7, Patch: MetaPatch{RemoveOwner: 40, RemoveFinalizer: "one"}}, 7, 0, 200)
	if p := c2.Pod("a"); len(p.OwnerReferences) != 1 || p.OwnerReferences[0].UID != 41 || len(p.Finalizers) != 1 || p.Finalizers[0] != "two" {
		t.Fatalf("patched pod %+v", p.ObjectMeta)
	}
	if c.Pod("a") != before || len(before.OwnerReferences) != 2 || before.OwnerReferences[0].UID != 40 || before.OwnerReferences[1].UID != 41 ||
		len(before.Finalizers) != 2 || before.Finalizers[0] != "one" || before.Finalizers[1] != "two" {
		t.Fatalf("the patch changed the earlier copy: %+v", before.ObjectMeta)
	}
	// A copy's appended finalizer is its own.
	cp := before.DeepCopy()
	cp.Meta().Finalizers = append(cp.Meta().Finalizers, "three")
	if len(before.Finalizers) != 2 || &cp.Meta().Finalizers[0] == &before.Finalizers[0] {
		t.Fatalf("an append to a copy's finalizers reached the original: %v", before.Finalizers)
	}
}

// TestShallowWritesLeaveTheStoredObject: the writes the API server makes on a shallow copy of
// the stored object (a status update, a status patch, a binding, a graceful delete) leave that
// object, which older revisions still hold, as it was, its lists included, even lists with
// room to spare for an append.
func TestShallowWritesLeaveTheStoredObject(t *testing.T) {
	roomy := func() *cluster.Pod {
		p := pod("a")
		p.UID, p.ResourceVersion, p.Generation = 7, 1, 1
		p.Labels = append(make(cluster.Labels, 0, 4), cluster.KV{Key: "app", Value: "web"})
		p.Finalizers = append(make([]string, 0, 4), "keep")
		p.OwnerReferences = append(make([]cluster.OwnerReference, 0, 4), cluster.OwnerReference{Kind: cluster.KindReplicaSet, Name: "web", UID: 40, Controller: true})
		p.Spec.Tolerations = append(make([]cluster.Toleration, 0, 4), cluster.Toleration{Key: "k"})
		return p
	}
	running := roomy()
	running.Status.Phase = cluster.PodRunning
	bound := roomy()
	bound.Spec.NodeName = "node-1"
	for _, c := range []struct {
		name   string
		stored *cluster.Pod
		w      Write
	}{
		{"status update", roomy(), Write{Verb: UpdateStatus, Object: running}},
		{"status patch", roomy(), Write{Verb: PatchStatus, Object: running, UID: 7}},
		{"binding", roomy(), Write{Verb: Bind, Name: "a", UID: 7, Node: "node-1"}},
		{"graceful delete", bound, Write{Verb: Delete, Kind: cluster.KindPod, Name: "a"}},
	} {
		before := c.stored.DeepCopy()
		snap := cluster.New(c.stored)
		next, out := Apply(snap, c.w, 2, 0)
		if !out.OK() || next == snap || next.Pod("a").ResourceVersion != 2 {
			t.Fatalf("%s: %v, resourceVersion %d", c.name, out, next.Pod("a").ResourceVersion)
		}
		if !cluster.SameContent(before, c.stored) || snap.Pod("a") != c.stored {
			t.Fatalf("%s changed the stored object: %+v, was %+v", c.name, c.stored, before)
		}
	}
}

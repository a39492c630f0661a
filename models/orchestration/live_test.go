package orchestration

import (
	"slices"
	"testing"

	"github.com/themelios/themelios/models/cluster"
)

func liveSet(replicas int64) *cluster.StatefulSet {
	return &cluster.StatefulSet{ObjectMeta: cluster.ObjectMeta{Name: "db", UID: 1, ResourceVersion: 10, Generation: 1},
		Spec: cluster.StatefulSetSpec{Replicas: replicas, Selector: cluster.Labels{{Key: "app", Value: "db"}},
			Template: cluster.PodTemplate{Labels: cluster.Labels{{Key: "app", Value: "db"}}}, PodManagementPolicy: "OrderedReady"}}
}

func livePod(name string, uid cluster.UID, rv int64, owner cluster.OwnerReference, phase cluster.PodPhase) *cluster.Pod {
	return &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, UID: uid, ResourceVersion: rv, Labels: cluster.Labels{{Key: "app", Value: "db"}},
		OwnerReferences: []cluster.OwnerReference{owner}}, Status: cluster.PodStatus{Phase: phase, Ready: phase == cluster.PodRunning}}
}

// The observer reports a StatefulSet pod created before its predecessor is Running and Ready,
// and not the same pod created once it is.
func TestObserverOrderedCreate(t *testing.T) {
	set := liveSet(2)
	ref := cluster.OwnerReference{Kind: cluster.KindStatefulSet, Name: "db", UID: 1, Controller: true}
	o := NewObserver(cluster.New(set), 10)
	if got := o.Observe(11, livePod("db-0", 2, 11, ref, cluster.PodPending), false); len(got) != 0 {
		t.Fatalf("creating db-0 broke %q", got)
	}
	if got := o.Observe(12, livePod("db-1", 3, 12, ref, cluster.PodPending), false); !slices.Equal(got, []string{OrderedCreate}) {
		t.Errorf("creating db-1 while db-0 is Pending broke %q, want %q", got, OrderedCreate)
	}

	o = NewObserver(cluster.New(set), 10)
	for i, step := range []*cluster.Pod{
		livePod("db-0", 2, 11, ref, cluster.PodPending),
		livePod("db-0", 2, 12, ref, cluster.PodRunning),
		livePod("db-1", 3, 13, ref, cluster.PodPending),
	} {
		if got := o.Observe(int64(11+i), step, false); len(got) != 0 {
			t.Errorf("step %d broke %q", i+1, got)
		}
	}
	// Scaling down: db-0 deleted while db-1 still exists.
	down := liveSet(0)
	down.ResourceVersion = 14
	o.Observe(14, down, false)
	gone := livePod("db-0", 2, 15, ref, cluster.PodRunning)
	gone.DeletionTimestamp = 15
	if got := o.Observe(15, gone, false); !slices.Equal(got, []string{OrderedTerminate}) {
		t.Errorf("deleting db-0 before db-1 broke %q, want %q", got, OrderedTerminate)
	}
}

// The observer reports a pod created for a ReplicaSet that already has spec.replicas active
// pods, once per such create.
func TestObserverReplicaSetCreates(t *testing.T) {
	rs := &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "web", UID: 1, ResourceVersion: 10, Generation: 1},
		Spec: cluster.ReplicaSetSpec{Replicas: 1, Selector: cluster.Labels{{Key: "app", Value: "db"}}}}
	ref := cluster.OwnerReference{Kind: cluster.KindReplicaSet, Name: "web", UID: 1, Controller: true}
	o := NewObserver(cluster.New(rs), 10)
	if got := o.Observe(11, livePod("web-a", 2, 11, ref, cluster.PodPending), false); len(got) != 0 {
		t.Fatalf("the first create broke %q", got)
	}
	for i, name := range []string{"web-b", "web-c"} {
		if got := o.Observe(int64(12+i), livePod(name, cluster.UID(3+i), int64(12+i), ref, cluster.PodPending), false); !slices.Equal(got, []string{ReplicaSetCreates}) {
			t.Errorf("the create of %s beyond spec.replicas broke %q, want %q", name, got, ReplicaSetCreates)
		}
	}
	if !slices.Contains(o.Failing(), ReplicaSetCreates) {
		t.Errorf("failing: %q", o.Failing())
	}
}

// A state property is reported when it starts failing, not again while it fails.
func TestObserverStateProperty(t *testing.T) {
	j := &cluster.Job{ObjectMeta: cluster.ObjectMeta{Name: "pi", UID: 1, ResourceVersion: 10, Generation: 1},
		Spec: cluster.JobSpec{Parallelism: 1, Completions: 1, Selector: cluster.Labels{{Key: "job-name", Value: "pi"}}}}
	o := NewObserver(cluster.New(j), 10)
	j2 := j.DeepCopy().(*cluster.Job)
	j2.Status.Succeeded, j2.ResourceVersion = 2, 11
	if got := o.Observe(11, j2, false); !slices.Equal(got, []string{JobSucceeded}) {
		t.Errorf("two successes of one completion broke %q, want %q", got, JobSucceeded)
	}
	j3 := j2.DeepCopy().(*cluster.Job)
	j3.Status.Failed, j3.ResourceVersion = 1, 12
	if got := o.Observe(12, j3, false); len(got) != 0 {
		t.Errorf("a property that keeps failing was reported again: %q", got)
	}
	if !slices.Contains(o.Failing(), JobSucceeded) {
		t.Errorf("failing: %q", o.Failing())
	}
}

// The observer judges what the API shows: no property that needs a kubelet's containers or a
// controller's view.
func TestObserverProperties(t *testing.T) {
	o := NewObserver(cluster.New(), 1)
	var names []string
	for _, p := range o.Properties() {
		names = append(names, p.Name)
	}
	for _, n := range []string{OneNodePerPod, KubeletFit, TerminalStays, ReplicaSetStatus, StatefulSetState, JobStatus} {
		if slices.Contains(names, n) {
			t.Errorf("the observer judges %q", n)
		}
	}
	if len(names) != len(liveProperties) {
		t.Errorf("the observer judges %d properties, want the %d of liveProperties: %q", len(names), len(liveProperties), names)
	}
}

// A create for a ReplicaSet a user has just scaled down is judged on the spec the controller
// may have read (a recent state), not reported; the same create with no such state is.
func TestObserverStaleSpec(t *testing.T) {
	rs := &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "web", UID: 1, ResourceVersion: 10, Generation: 1},
		Spec: cluster.ReplicaSetSpec{Replicas: 3, Selector: cluster.Labels{{Key: "app", Value: "db"}}}}
	ref := cluster.OwnerReference{Kind: cluster.KindReplicaSet, Name: "web", UID: 1, Controller: true}
	o := NewObserver(cluster.New(rs, livePod("web-a", 2, 9, ref, cluster.PodRunning)), 10)
	down := rs.DeepCopy().(*cluster.ReplicaSet)
	down.Spec.Replicas, down.ResourceVersion = 1, 11
	o.Observe(11, down, false)
	if got := o.Observe(12, livePod("web-b", 3, 12, ref, cluster.PodPending), false); len(got) != 0 {
		t.Errorf("a create on the spec before a scale-down broke %q", got)
	}
	// A state from before the ReplicaSet existed justifies nothing.
	o = NewObserver(cluster.New(), 9)
	o.Observe(10, rs, false)
	o.Observe(11, livePod("web-a", 2, 11, ref, cluster.PodPending), false)
	o.Observe(12, livePod("web-b", 3, 12, ref, cluster.PodPending), false)
	o.Observe(13, livePod("web-c", 4, 13, ref, cluster.PodPending), false)
	if got := o.Observe(14, livePod("web-d", 5, 14, ref, cluster.PodPending), false); !slices.Equal(got, []string{ReplicaSetCreates}) {
		t.Errorf("a fourth pod for 3 replicas broke %q, want %q", got, ReplicaSetCreates)
	}
	// Once the scale-down is further back than any view may lag, the same create is reported.
	o = NewObserver(cluster.New(down, livePod("web-a", 2, 9, ref, cluster.PodRunning)), 11)
	if got := o.Observe(12, livePod("web-b", 3, 12, ref, cluster.PodPending), false); !slices.Equal(got, []string{ReplicaSetCreates}) {
		t.Errorf("a create beyond the only spec seen broke %q, want %q", got, ReplicaSetCreates)
	}
}

package controllers

import (
	"slices"
	"testing"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

func TestExpectations(t *testing.T) {
	var e Expectations
	e = e.Add(7, 5).Add(3, 4).Add(7, 2)
	if want := (Expectations{{3, 4}, {7, 2}, {7, 5}}); !slices.Equal(e, want) {
		t.Fatalf("Add: %v, want %v", e, want)
	}
	for _, c := range []struct {
		owner cluster.UID
		rev   int64
		want  bool
	}{{7, 1, true}, {7, 2, true}, {7, 4, true}, {7, 5, false}, {7, 9, false}, {3, 3, true}, {3, 4, false}, {9, 0, false}} {
		if got := e.Pending(c.owner, c.rev); got != c.want {
			t.Errorf("Pending(%d, %d) = %v, want %v", c.owner, c.rev, got, c.want)
		}
	}
	if !e.AnyPending(4) || e.AnyPending(5) {
		t.Error("AnyPending")
	}
	if got := e.Owners(); !slices.Equal(got, []cluster.UID{3, 7}) {
		t.Errorf("Owners: %v", got)
	}
	if got := e.Expire(7); !slices.Equal(got, Expectations{{3, 4}}) || len(e) != 3 {
		t.Errorf("Expire(7): %v (e %v)", got, e)
	}
	if got := e.Expire(3).Expire(7); got != nil {
		t.Errorf("expiring every owner leaves %v, want nil", got)
	}
	if got := e.Prune(4); !slices.Equal(got, Expectations{{7, 5}}) {
		t.Errorf("Prune(4): %v", got)
	}
	if got := e.Prune(1); &got[0] != &e[0] {
		t.Error("Prune that drops nothing copied")
	}
}

// A ReplicaSet's create and delete wait for its expectations; what the sync does instead is
// its status write, and adoption is not gated.
func TestGatedReplicaSetSync(t *testing.T) {
	rs := &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "web", UID: 50, Generation: 1},
		Spec: cluster.ReplicaSetSpec{Replicas: 2, Selector: cluster.Labels{{Key: "app", Value: "web"}},
			Template: cluster.PodTemplate{Labels: cluster.Labels{{Key: "app", Value: "web"}}, Spec: cluster.PodSpec{Image: "web:1"}}}}
	owned := pod("web-a", func(p *cluster.Pod) { p.OwnerReferences = []cluster.OwnerReference{controllerRef(rs)} })
	in := ReplicaSetController{}.Reconcile(cluster.New(rs, owned))
	if len(in) != 1 || in[0].Write.Verb != datastore.Create || in[0].Gate != rs.UID || !in[0].Expects || in[0].Instead == nil {
		t.Fatalf("create: %+v", in)
	}
	waiting := Expectations{{Owner: rs.UID, Rev: 3}}.Gated(in, 2)
	if len(waiting) != 1 || waiting[0].Write.Verb != datastore.UpdateStatus || !waiting[0].Waiting || waiting[0].Gate != 0 {
		t.Fatalf("gated: %+v", waiting)
	}
	if got := waiting[0].Write.Object.(*cluster.ReplicaSet).Status.Replicas; got != 1 {
		t.Errorf("the status while waiting says %d replicas, want 1", got)
	}
	if got := (Expectations{{Owner: rs.UID, Rev: 3}}).Gated(in, 3); &got[0] != &in[0] {
		t.Error("a view that observed the create is gated")
	}
	if got := (Expectations{{Owner: 99, Rev: 3}}).Gated(in, 2); &got[0] != &in[0] {
		t.Error("another owner's expectations gate the sync")
	}
	// An orphan is adopted whatever the expectations.
	orphan := pod("web-b")
	in = ReplicaSetController{}.Reconcile(cluster.New(rs, owned, orphan))
	if got := (Expectations{{Owner: rs.UID, Rev: 3}}).Gated(in, 2); len(got) != 1 || got[0].Write.Verb != datastore.Patch {
		t.Errorf("adoption gated: %+v", got)
	}
	// With the status already right, a gated create gives way to nothing.
	rs.Status = calculateStatus(rs, []*cluster.Pod{owned})
	in = ReplicaSetController{}.Reconcile(cluster.New(rs, owned))
	if got := (Expectations{{Owner: rs.UID, Rev: 3}}).Gated(in, 2); len(got) != 0 {
		t.Errorf("gated with nothing else to do: %+v", got)
	}
}

// A Job's manageJob waits for its expectations, and so does the Failed condition; the deletes
// of a failed Job's pods do not.
func TestGatedJobSync(t *testing.T) {
	j := &cluster.Job{ObjectMeta: cluster.ObjectMeta{Name: "pi", UID: 60, Generation: 1},
		Spec: cluster.JobSpec{Completions: 1, Parallelism: 1, BackoffLimit: 0, Selector: cluster.Labels{{Key: "job", Value: "pi"}},
			Template: cluster.PodTemplate{Labels: cluster.Labels{{Key: "job", Value: "pi"}}, Spec: cluster.PodSpec{Image: "perl:5", RestartPolicy: cluster.RestartNever}}}}
	in := JobController{}.Reconcile(cluster.New(j))
	if len(in) != 1 || in[0].Write.Verb != datastore.Create || in[0].Gate != j.UID || !in[0].Expects {
		t.Fatalf("create: %+v", in)
	}
	if got := (Expectations{{Owner: j.UID, Rev: 3}}).Gated(in, 2); len(got) != 1 || got[0].Write.Verb != datastore.UpdateStatus || !got[0].Waiting {
		t.Errorf("gated create: %+v", got)
	}
	failed := j.DeepCopy().(*cluster.Job)
	failed.Status.Failed = 1
	active := pod("pi-a", func(p *cluster.Pod) {
		p.Labels = cluster.Labels{{Key: "job", Value: "pi"}}
		p.OwnerReferences = []cluster.OwnerReference{controllerRef(failed)}
	})
	in = JobController{}.Reconcile(cluster.New(failed, active))
	if len(in) != 1 || in[0].Write.Verb != datastore.Delete || in[0].Gate != 0 {
		t.Fatalf("a failed Job's delete: %+v", in)
	}
	in = JobController{}.Reconcile(cluster.New(failed))
	if len(in) != 1 || in[0].Gate != failed.UID || in[0].Write.Object.(*cluster.Job).Status.Condition != JobFailed {
		t.Fatalf("the Failed condition: %+v", in)
	}
	if got := (Expectations{{Owner: j.UID, Rev: 3}}).Gated(in, 2); len(got) != 1 || got[0].Write.Object.(*cluster.Job).Status.Condition != "" {
		t.Errorf("the Failed condition while waiting: %+v", got)
	}
}

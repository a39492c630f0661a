package controllers

import (
	"testing"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// TestWriteTableViews makes, on views built for them, the writes of Writes that the built-in
// scenarios do not reach (adoption, release, ControllerRevision history, a pod's identity),
// each with exactly the preconditions its row gives. The orchestration tests meet the others in
// random walks through the scenarios, and check that every write the model makes is a row.
func TestWriteTableViews(t *testing.T) {
	rs := &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "web", UID: 50, Generation: 1, ResourceVersion: 3},
		Spec: cluster.ReplicaSetSpec{Replicas: 1, Selector: webLabels, Template: template("web:1")}}
	owned := func(o cluster.Object) func(*cluster.Pod) {
		return func(p *cluster.Pod) { p.OwnerReferences = []cluster.OwnerReference{controllerRef(o)} }
	}
	unlabelled := func(p *cluster.Pod) { p.Labels = nil }
	d := deployment(1)
	orphanRS := replicaSetOf(d, "web:2", 1, 1, 4, nil)
	orphanRS.OwnerReferences = nil
	set := statefulSet(1)
	j := job()
	revision := func(s *cluster.StatefulSet, t cluster.PodTemplate, n int64) *cluster.ControllerRevision {
		return &cluster.ControllerRevision{ObjectMeta: cluster.ObjectMeta{Name: "db-" + TemplateHash(t, 0), UID: cluster.UID(90 + n), ResourceVersion: n,
			OwnerReferences: []cluster.OwnerReference{controllerRef(s)}}, Template: t, Revision: n}
	}
	// A pod of the set without its identity (hostname, pod-name label).
	current := revision(set, set.Spec.Template, 1)
	anonymous := pod("db-0", owned(set), on("n1"), running, func(p *cluster.Pod) { p.Labels = p.Labels.With(RevisionLabel, current.Name) })
	// The template is back to an older revision: renumbered.
	back := statefulSet(1)
	older, newer := revision(back, back.Spec.Template, 1), revision(back, template("db:2"), 2)
	// A dead revision beyond revisionHistoryLimit 0.
	limited := statefulSet(0, func(s *cluster.StatefulSet) { s.Spec.RevisionHistoryLimit = 0 })
	live, dead := revision(limited, limited.Spec.Template, 2), revision(limited, template("db:0"), 1)
	// A set scaled to 0 with its pod 0.
	scaledDown := statefulSet(0)
	current0 := revision(scaledDown, scaledDown.Spec.Template, 1)
	surplus := pod("db-0", owned(scaledDown), on("n1"), running, func(p *cluster.Pod) {
		p.Labels = p.Labels.With(RevisionLabel, current0.Name).With(PodNameLabel, p.Name)
		p.Spec.Hostname = p.Name
	})
	// An old ReplicaSet scaled to 0 beyond revisionHistoryLimit 0.
	d0 := deployment(1, func(d *cluster.Deployment) { d.Spec.RevisionHistoryLimit = 0 })
	newRS, oldRS := replicaSetOf(d0, "web:2", 1, 1, 5, nil), replicaSetOf(d0, "web:1", 0, 0, 3, nil)
	for _, c := range []struct {
		controller string
		reconcile  func(*cluster.Cluster) []Intent
		view       []cluster.Object
		want       WriteSite
	}{
		{"replicaset-controller", ReplicaSetController{}.Reconcile, []cluster.Object{rs, pod("a")},
			WriteSite{Verb: datastore.Patch, Kind: cluster.KindPod, UID: true}},
		{"replicaset-controller", ReplicaSetController{}.Reconcile, []cluster.Object{rs, pod("a", owned(rs), unlabelled)},
			WriteSite{Verb: datastore.Patch, Kind: cluster.KindPod, UID: true}},
		{"deployment-controller", DeploymentController{}.Reconcile, []cluster.Object{d, orphanRS},
			WriteSite{Verb: datastore.Patch, Kind: cluster.KindReplicaSet, UID: true}},
		{"statefulset-controller", StatefulSetController{}.Reconcile, []cluster.Object{set, pod("db-0")},
			WriteSite{Verb: datastore.Patch, Kind: cluster.KindPod, UID: true}},
		{"job-controller", JobController{}.Reconcile, []cluster.Object{j, pod("pi-x")},
			WriteSite{Verb: datastore.Patch, Kind: cluster.KindPod, UID: true}},
		{"statefulset-controller", StatefulSetController{}.Reconcile, []cluster.Object{set, current, anonymous},
			WriteSite{Verb: datastore.Update, Kind: cluster.KindPod, UID: true, RV: true}},
		{"statefulset-controller", StatefulSetController{}.Reconcile, []cluster.Object{back, older, newer},
			WriteSite{Verb: datastore.Update, Kind: cluster.KindControllerRevision, UID: true, RV: true}},
		{"statefulset-controller", StatefulSetController{}.Reconcile, []cluster.Object{limited, live, dead},
			WriteSite{Verb: datastore.Delete, Kind: cluster.KindControllerRevision}},
		{"deployment-controller", DeploymentController{}.Reconcile, []cluster.Object{d0, newRS, oldRS},
			WriteSite{Verb: datastore.Delete, Kind: cluster.KindReplicaSet}},
		{"statefulset-controller", StatefulSetController{}.Reconcile, []cluster.Object{scaledDown, current0, surplus},
			WriteSite{Verb: datastore.Delete, Kind: cluster.KindPod}},
	} {
		c.want.Controller = c.controller
		in, ok := runUntil(c.reconcile, c.view, func(in Intent) bool {
			return in.Write != nil && in.Write.Verb == c.want.Verb && SiteOf(c.controller, *in.Write).Kind == c.want.Kind
		})
		if !ok {
			t.Errorf("%s: no write like %+v", c.controller, c.want)
			continue
		}
		got := SiteOf(c.controller, *in.Write)
		if !got.Same(c.want) {
			t.Errorf("%s: %+v, want %+v", c.controller, got, c.want)
		}
		if !inTable(got) {
			t.Errorf("%s: %+v is not in Writes", c.controller, got)
		}
	}
}

func inTable(s WriteSite) bool {
	for _, w := range Writes {
		if w.Same(s) {
			return true
		}
	}
	return false
}

// runUntil runs a controller alone on a store holding objs (each stored at a revision of its
// own), applying its first intent's write each round, until it makes a write that match
// accepts (at most 8 rounds).
func runUntil(reconcile func(*cluster.Cluster) []Intent, objs []cluster.Object, match func(Intent) bool) (Intent, bool) {
	c := cluster.New()
	rev := int64(1)
	for _, o := range objs {
		o = o.DeepCopy()
		o.Meta().ResourceVersion, o.Meta().CreationRevision = rev, rev
		c = c.With(o)
		rev++
	}
	for range 8 {
		in := reconcile(c)
		if len(in) == 0 {
			return Intent{}, false
		}
		if match(in[0]) {
			return in[0], true
		}
		if in[0].Write == nil {
			return Intent{}, false
		}
		next, out := datastore.Apply(c, *in[0].Write, rev, cluster.UID(1000+rev))
		if !out.OK() {
			return Intent{}, false
		}
		c, rev = next, rev+1
	}
	return Intent{}, false
}

package controllers

import (
	"strings"
	"testing"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

var webLabels = cluster.Labels{{Key: "app", Value: "web"}}

func template(image string) cluster.PodTemplate {
	return cluster.PodTemplate{Labels: webLabels, Spec: cluster.PodSpec{Image: image, RestartPolicy: cluster.RestartAlways}}
}

func deployment(replicas int64, mut ...func(*cluster.Deployment)) *cluster.Deployment {
	d := &cluster.Deployment{ObjectMeta: cluster.ObjectMeta{Name: "web", UID: 50, Generation: 1},
		Spec: cluster.DeploymentSpec{Replicas: replicas, Selector: webLabels, Template: template("web:2"), Strategy: "RollingUpdate", RevisionHistoryLimit: 10}}
	for _, f := range mut {
		f(d)
	}
	return d
}

// replicaSetOf is a ReplicaSet of d's at image, with spec and available replicas.
func replicaSetOf(d *cluster.Deployment, image string, spec, available, created int64, ann cluster.Labels) *cluster.ReplicaSet {
	t := template(image)
	hash := TemplateHash(t, 0)
	t.Labels = t.Labels.With(PodTemplateHashLabel, hash)
	return &cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: "web-" + hash, UID: cluster.UID(60 + created), Labels: t.Labels, Annotations: ann, CreationRevision: created,
			Generation: 1, OwnerReferences: []cluster.OwnerReference{controllerRef(d)}},
		Spec:   cluster.ReplicaSetSpec{Replicas: spec, Selector: webLabels.With(PodTemplateHashLabel, hash), Template: t},
		Status: cluster.ReplicaSetStatus{Replicas: spec, ReadyReplicas: available, AvailableReplicas: available, ObservedGeneration: 1},
	}
}

func only(t *testing.T, in []Intent) *datastore.Write {
	t.Helper()
	if len(in) != 1 || in[0].Write == nil {
		t.Fatalf("want one write, got %d intents: %+v", len(in), in)
	}
	return in[0].Write
}

func TestFenceposts(t *testing.T) {
	for _, c := range []struct {
		replicas       int64
		surge, unavail string
		wantS, wantU   int64
	}{
		{2, "25%", "25%", 1, 0},  // surge rounds up, unavailability down
		{4, "", "", 1, 1},        // 25% by default
		{10, "30%", "30%", 3, 3}, // 3 either way
		{3, "0", "0", 0, 1},      // both 0 would block: one may be unavailable
		{2, "5", "5", 5, 2},      // unavailability is capped at the replicas
	} {
		d := deployment(c.replicas, func(d *cluster.Deployment) { d.Spec.MaxSurge, d.Spec.MaxUnavailable = c.surge, c.unavail })
		if s, u := fenceposts(d); s != c.wantS || u != c.wantU {
			t.Errorf("%d replicas, %s/%s: surge %d unavailable %d, want %d %d", c.replicas, c.surge, c.unavail, s, u, c.wantS, c.wantU)
		}
	}
}

func TestTemplateHash(t *testing.T) {
	a, b := TemplateHash(template("web:1"), 0), TemplateHash(template("web:2"), 0)
	if a == b || a != TemplateHash(template("web:1"), 0) || a == TemplateHash(template("web:1"), 1) {
		t.Fatalf("hashes %s %s", a, b)
	}
	if strings.Trim(a, "bcdfghjklmnpqrstvwxz2456789") != "" {
		t.Fatalf("hash %q uses letters outside the alphabet", a)
	}
}

func TestDeploymentRollout(t *testing.T) {
	ctl := DeploymentController{}
	// A new Deployment creates its ReplicaSet at full size, with the copied annotations.
	d := deployment(2, func(d *cluster.Deployment) {
		d.Annotations = cluster.Labels{{Key: "kubectl.kubernetes.io/last-applied-configuration", Value: "x"}, {Key: "team", Value: "a"}}
	})
	w := only(t, ctl.Reconcile(cluster.New(d)))
	rs := w.Object.(*cluster.ReplicaSet)
	if w.Verb != datastore.Create || rs.Spec.Replicas != 2 || rs.Name != "web-"+TemplateHash(d.Spec.Template, 0) {
		t.Fatalf("first write: %v %+v", w.Verb, rs)
	}
	for k, want := range map[string]string{"team": "a", RevisionAnnotation: "1", DesiredReplicasAnnotation: "2", MaxReplicasAnnotation: "3"} {
		if v, _ := rs.Annotations.Get(k); v != want {
			t.Errorf("annotation %s = %q, want %q", k, v, want)
		}
	}
	if _, ok := rs.Annotations.Get("kubectl.kubernetes.io/last-applied-configuration"); ok {
		t.Error("the last-applied configuration was copied")
	}
	// A new template beside an old ReplicaSet of 2 available: surge by one replica.
	ann := cluster.Labels{{Key: DesiredReplicasAnnotation, Value: "2"}, {Key: MaxReplicasAnnotation, Value: "3"}, {Key: RevisionAnnotation, Value: "1"}}
	old := replicaSetOf(d, "web:1", 2, 2, 2, ann)
	w = only(t, ctl.Reconcile(cluster.New(deployment(2), old)))
	if n := w.Object.(*cluster.ReplicaSet); w.Verb != datastore.Create || n.Spec.Replicas != 1 {
		t.Fatalf("new template: %v %+v", w.Verb, n.Spec)
	}
	// With the new ReplicaSet at 1 and not yet available, maxUnavailable 0 holds the old one.
	newAnn := ann.With(RevisionAnnotation, "2")
	nrs := replicaSetOf(d, "web:2", 1, 0, 3, newAnn)
	dep := deployment(2, func(d *cluster.Deployment) {
		d.Spec.MaxUnavailable = "0"
		d.Annotations = cluster.Labels{{Key: RevisionAnnotation, Value: "2"}}
		d.Status = cluster.DeploymentStatus{Replicas: 3, UpdatedReplicas: 1, ReadyReplicas: 2, AvailableReplicas: 2, UnavailableReplicas: 1,
			ObservedGeneration: 1, Available: true, Progressing: ReasonUpdated}
	})
	if in := ctl.Reconcile(cluster.New(dep, old, nrs)); len(in) != 0 {
		t.Fatalf("waiting on the new pod: %+v", in[0])
	}
	// Once it is available, the old one goes down by one.
	nrs.Status.AvailableReplicas, nrs.Status.ReadyReplicas = 1, 1
	w = only(t, ctl.Reconcile(cluster.New(dep, old, nrs)))
	if o := w.Object.(*cluster.ReplicaSet); o.Name != old.Name || o.Spec.Replicas != 1 {
		t.Fatalf("scale down: %+v", o)
	}
	// Paused: no ReplicaSet for the new template, only the status.
	paused := deployment(2, func(d *cluster.Deployment) { d.Spec.Paused = true })
	w = only(t, ctl.Reconcile(cluster.New(paused, old)))
	if w.Verb != datastore.UpdateStatus || w.Object.(*cluster.Deployment).Status.Progressing != ReasonPaused {
		t.Fatalf("paused: %v %+v", w.Verb, w.Object)
	}
}

func TestProportionalScaling(t *testing.T) {
	// Deployment scaled 10 → 20 with maxSurge 3 mid-rollout: old 5 and new 8 (both annotated
	// for 10+3) share the 10 added replicas in proportion: the larger, new one gets
	// round(8·23/13) - 8 = 6, the old one round(5·23/13) - 5 = 4.
	d := deployment(20, func(d *cluster.Deployment) { d.Spec.MaxSurge, d.Spec.MaxUnavailable = "3", "0" })
	ann := cluster.Labels{{Key: DesiredReplicasAnnotation, Value: "10"}, {Key: MaxReplicasAnnotation, Value: "13"}, {Key: RevisionAnnotation, Value: "1"}}
	old := replicaSetOf(d, "web:1", 5, 5, 2, ann)
	nrs := replicaSetOf(d, "web:2", 8, 4, 3, ann.With(RevisionAnnotation, "2"))
	d.Annotations = cluster.Labels{{Key: RevisionAnnotation, Value: "2"}}
	w := only(t, DeploymentController{}.Reconcile(cluster.New(d, old, nrs)))
	if o := w.Object.(*cluster.ReplicaSet); o.Name != nrs.Name || o.Spec.Replicas != 14 {
		t.Fatalf("first proportional write: %s → %d", o.Name, o.Spec.Replicas)
	}
	nrs.Spec.Replicas, nrs.Annotations = 14, ann.With(RevisionAnnotation, "2").With(DesiredReplicasAnnotation, "20").With(MaxReplicasAnnotation, "23")
	w = only(t, DeploymentController{}.Reconcile(cluster.New(d, old, nrs)))
	if o := w.Object.(*cluster.ReplicaSet); o.Name != old.Name || o.Spec.Replicas != 9 {
		t.Fatalf("second proportional write: %s → %d", o.Name, o.Spec.Replicas)
	}
}

func statefulSet(replicas int64, mut ...func(*cluster.StatefulSet)) *cluster.StatefulSet {
	s := &cluster.StatefulSet{ObjectMeta: cluster.ObjectMeta{Name: "db", UID: 70, Generation: 1},
		Spec: cluster.StatefulSetSpec{Replicas: replicas, Selector: webLabels, Template: template("db:1"), PodManagementPolicy: "OrderedReady",
			UpdateStrategy: "RollingUpdate", RevisionHistoryLimit: 10}}
	for _, f := range mut {
		f(s)
	}
	return s
}

// withPods runs the StatefulSet controller's first write on s, its revision and pods.
func ssFirst(t *testing.T, s *cluster.StatefulSet, pods ...*cluster.Pod) *datastore.Write {
	t.Helper()
	rev := &cluster.ControllerRevision{ObjectMeta: cluster.ObjectMeta{Name: "db-" + TemplateHash(s.Spec.Template, 0), UID: 71,
		OwnerReferences: []cluster.OwnerReference{controllerRef(s)}}, Template: s.Spec.Template, Revision: 1}
	objs := []cluster.Object{s, rev}
	for _, p := range pods {
		p.OwnerReferences = []cluster.OwnerReference{controllerRef(s)}
		p.Labels = p.Labels.With(RevisionLabel, rev.Name).With(PodNameLabel, p.Name)
		p.Spec.Hostname = p.Name
		objs = append(objs, p)
	}
	in := StatefulSetController{}.Reconcile(cluster.New(objs...))
	if len(in) == 0 {
		return nil
	}
	return only(t, in)
}

func TestStatefulSetOrdering(t *testing.T) {
	// The first write is the ControllerRevision of the template.
	w := only(t, StatefulSetController{}.Reconcile(cluster.New(statefulSet(2))))
	if w.Verb != datastore.Create || w.Object.Kind() != cluster.KindControllerRevision || w.Object.(*cluster.ControllerRevision).Revision != 1 {
		t.Fatalf("first write: %v %s", w.Verb, w.Object.Kind())
	}
	// OrderedReady: db-1 waits for db-0 to be Running and Ready; Parallel does not wait.
	if w := ssFirst(t, statefulSet(2), pod("db-0", on("n1"))); w == nil || w.Verb != datastore.UpdateStatus {
		t.Fatalf("OrderedReady did not wait: %+v", w)
	}
	parallel := func(s *cluster.StatefulSet) { s.Spec.PodManagementPolicy = "Parallel" }
	if w := ssFirst(t, statefulSet(2, parallel), pod("db-0", on("n1"))); w == nil || w.Verb != datastore.Create || w.Object.Meta().Name != "db-1" {
		t.Fatalf("Parallel: %+v", w)
	}
	if w := ssFirst(t, statefulSet(2), pod("db-0", on("n1"), running)); w == nil || w.Object.Meta().Name != "db-1" || w.Object.(*cluster.Pod).Spec.Hostname != "db-1" {
		t.Fatalf("OrderedReady after db-0 is ready: %+v", w)
	}
	// The claim comes before its pod.
	claims := func(s *cluster.StatefulSet) { s.Spec.VolumeClaimTemplates = []string{"data"} }
	if w := ssFirst(t, statefulSet(1, claims)); w == nil || w.Object.Kind() != cluster.KindPersistentVolumeClaim || w.Object.Meta().Name != "data-db-0" {
		t.Fatalf("claim: %+v", w)
	}
	// Scale-down: the highest ordinal first, and only when every pod is healthy.
	w = ssFirst(t, statefulSet(1), pod("db-0", running), pod("db-1", running), pod("db-2", running))
	if w == nil || w.Verb != datastore.Delete || w.Name != "db-2" {
		t.Fatalf("scale down: %+v", w)
	}
	// (upstream waits on an unhealthy target that is not the first unhealthy pod)
	if w := ssFirst(t, statefulSet(1), pod("db-0", running), pod("db-1"), pod("db-2")); w == nil || w.Verb != datastore.UpdateStatus {
		t.Fatalf("scale down past an unhealthy pod: %+v", w)
	}
	// Rolling update: once the new template's revision exists, the highest pod at the old
	// revision is deleted first.
	s := statefulSet(2)
	oldRev := &cluster.ControllerRevision{ObjectMeta: cluster.ObjectMeta{Name: "db-" + TemplateHash(s.Spec.Template, 0), UID: 71,
		OwnerReferences: []cluster.OwnerReference{controllerRef(s)}}, Template: s.Spec.Template, Revision: 1}
	s.Spec.Template = template("db:2")
	newRev := &cluster.ControllerRevision{ObjectMeta: cluster.ObjectMeta{Name: "db-" + TemplateHash(s.Spec.Template, 0), UID: 72,
		OwnerReferences: []cluster.OwnerReference{controllerRef(s)}}, Template: s.Spec.Template, Revision: 2}
	objs := []cluster.Object{s, oldRev, newRev}
	for _, name := range []string{"db-0", "db-1"} {
		objs = append(objs, pod(name, running, func(p *cluster.Pod) {
			p.OwnerReferences, p.Spec.Hostname = []cluster.OwnerReference{controllerRef(s)}, p.Name
			p.Labels = p.Labels.With(RevisionLabel, oldRev.Name).With(PodNameLabel, p.Name)
		}))
	}
	w = only(t, StatefulSetController{}.Reconcile(cluster.New(objs...)))
	if w.Verb != datastore.Delete || w.Name != "db-1" {
		t.Fatalf("rolling update: %v %s", w.Verb, w.Name)
	}
	s.Spec.Partition = 2 // nothing below the partition is updated
	if w := only(t, StatefulSetController{}.Reconcile(cluster.New(objs...))); w.Verb != datastore.UpdateStatus {
		t.Fatalf("partition: %v %s", w.Verb, w.Name)
	}
}

func job(mut ...func(*cluster.Job)) *cluster.Job {
	j := &cluster.Job{ObjectMeta: cluster.ObjectMeta{Name: "pi", UID: 80, Generation: 1},
		Spec: cluster.JobSpec{Parallelism: 2, Completions: 2, CompletionMode: "NonIndexed", BackoffLimit: 1, Selector: webLabels,
			Template: cluster.PodTemplate{Labels: webLabels, Spec: cluster.PodSpec{Image: "pi", RestartPolicy: cluster.RestartNever}}}}
	for _, f := range mut {
		f(j)
	}
	return j
}

func jobPod(j *cluster.Job, name string, uid cluster.UID, phase cluster.PodPhase, finalizer bool) *cluster.Pod {
	p := pod(name, func(p *cluster.Pod) {
		p.UID, p.Status.Phase = uid, phase
		p.OwnerReferences = []cluster.OwnerReference{controllerRef(j)}
		if finalizer {
			p.Finalizers = []string{TrackingFinalizer}
		}
	})
	return p
}

func TestJobTracking(t *testing.T) {
	ctl := JobController{}
	// Two pods wanted: the first write creates one, with the tracking finalizer.
	w := only(t, ctl.Reconcile(cluster.New(job())))
	if p := w.Object.(*cluster.Pod); w.Verb != datastore.Create || !p.HasFinalizer(TrackingFinalizer) || p.GenerateName != "pi-" {
		t.Fatalf("create: %+v", w.Object)
	}
	// A finished pod is recorded, then loses its finalizer, then is counted.
	j := job()
	done := jobPod(j, "pi-a", 5, cluster.PodSucceeded, true)
	w = only(t, ctl.Reconcile(cluster.New(j, done)))
	if st := w.Object.(*cluster.Job).Status; w.Verb != datastore.UpdateStatus || len(st.UncountedSucceeded) != 1 || st.Succeeded != 0 {
		t.Fatalf("record: %+v", st)
	}
	j.Status.UncountedSucceeded = []cluster.UID{5}
	w = only(t, ctl.Reconcile(cluster.New(j, done)))
	// A patch by name, with no precondition (upstream's removeTrackingFinalizerPatch).
	if w.Verb != datastore.Patch || w.Name != "pi-a" || w.UID != 0 || w.Patch != (datastore.MetaPatch{RemoveFinalizer: TrackingFinalizer}) {
		t.Fatalf("finalizer removal: %+v", w)
	}
	done.Finalizers = nil
	w = only(t, ctl.Reconcile(cluster.New(j, done)))
	if st := w.Object.(*cluster.Job).Status; len(st.UncountedSucceeded) != 0 || st.Succeeded != 1 {
		t.Fatalf("count: %+v", st)
	}
	// Failures beyond backoffLimit fail the Job: active pods go first, then the condition.
	failed := job(func(j *cluster.Job) { j.Status.Failed = 2 })
	active := jobPod(failed, "pi-b", 6, cluster.PodRunning, true)
	if w := only(t, ctl.Reconcile(cluster.New(failed, active))); w.Verb != datastore.Delete || w.Name != "pi-b" {
		t.Fatalf("failed Job: %+v", w)
	}
	if w := only(t, ctl.Reconcile(cluster.New(failed))); w.Object.(*cluster.Job).Status.Condition != JobFailed {
		t.Fatalf("condition: %+v", w.Object)
	}
	// Indexed: the lowest missing index, named and annotated.
	idx := job(func(j *cluster.Job) { j.Spec.CompletionMode = "Indexed" })
	zero := jobPod(idx, "pi-0-x", 7, cluster.PodRunning, true)
	zero.Annotations = cluster.Labels{{Key: CompletionIndexAnnotation, Value: "0"}}
	w = only(t, ctl.Reconcile(cluster.New(idx, zero)))
	if p := w.Object.(*cluster.Pod); p.GenerateName != "pi-1-" || p.Spec.Hostname != "pi-1" {
		t.Fatalf("indexed: %+v", p)
	}
}

// Found by the controller oracle (conformance/oracle) against upstream v1.34.3.
func TestStatefulSetAsUpstream(t *testing.T) {
	// A created pod carries the pod-index label (updateIdentity with PodIndexLabel, GA in 1.32).
	w := ssFirst(t, statefulSet(2), pod("db-0", on("n1"), running))
	if v, ok := w.Object.(*cluster.Pod).Labels.Get(PodIndexLabel); w.Object.Meta().Name != "db-1" || !ok || v != "1" {
		t.Fatalf("created pod: %+v", w.Object)
	}
	// An owned pod that matches the selector but is no member (its name is no ordinal of the
	// set) is released, as ClaimPods releases what its match (selector and isMemberOf) rejects.
	s := statefulSet(1)
	stray := pod("db-0-x", on("n1"), running)
	stray.OwnerReferences = []cluster.OwnerReference{controllerRef(s)}
	rev := &cluster.ControllerRevision{ObjectMeta: cluster.ObjectMeta{Name: "db-" + TemplateHash(s.Spec.Template, 0), UID: 71,
		OwnerReferences: []cluster.OwnerReference{controllerRef(s)}}, Template: s.Spec.Template, Revision: 1}
	in := StatefulSetController{}.Reconcile(cluster.New(s, rev, stray))
	if len(in) != 1 || in[0].Write.Verb != datastore.Patch || in[0].Write.Name != "db-0-x" || in[0].Write.Patch.RemoveOwner != s.UID {
		t.Fatalf("a stray owned pod: %+v", summarize(in))
	}
}

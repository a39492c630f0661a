// Package apirules replays the model's traces on a real kube-apiserver (package controlplane)
// and compares, write by write, the outcome the model's API server (models/datastore) gives
// with the real one's: the status code and the cause of a rejection, and the written object
// afterwards (whether it exists, is terminating, its generation, finalizers, owners and, for a
// pod, its node).
//
// Each trace runs in a namespace of its own, from the model's initial objects, created first
// (their status written after them). The model's identities are mapped to the real ones as
// they appear: UIDs, generated names, and each resourceVersion the model gives an object to
// the real resourceVersion of the same version, so that a write that carries a stale version
// carries the real stale version. Traces under the optimistic and causal levels are skipped:
// their writes land on the revision read, which no linearizable API server does.
package apirules

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/themelios/themelios/kube/convert"
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/orchestration"
)

// Step is one write of a trace, compared.
type Step struct {
	Index     int    // the step's index in the trace (1 = the first action)
	Write     string // the model's write, as a sentence
	Model     string // the model's outcome and the object after it
	Real      string // the real API server's
	Agree     bool
	Deviation string // the kind of disagreement: "delete pods: code 200 vs 409 (uid)", ...
}

// Result is a replayed trace.
type Result struct {
	Steps   []Step
	Skipped string // why the trace was not replayed ("" if it was)
}

// gvr is the resource of each kind.
func gvr(k cluster.Kind) schema.GroupVersionResource {
	gv, _ := schema.ParseGroupVersion(convert.GroupVersion(k))
	return gv.WithResource(k.Resource())
}

// Replayer replays traces on one API server.
type Replayer struct {
	dyn dynamic.Interface
	n   int // traces replayed, for namespaces
}

// NewReplayer replays on the API server that dyn talks to.
func NewReplayer(dyn dynamic.Interface) *Replayer { return &Replayer{dyn: dyn} }

type objKey struct {
	kind cluster.Kind
	name string
}

type rvKey struct {
	objKey
	rv int64
}

// trace is the state of one replay: the namespace and the identity maps.
type trace struct {
	ctx  context.Context
	dyn  dynamic.Interface
	ns   string
	uids map[cluster.UID]types.UID
	// names maps a model name to the real one (they differ for generated names).
	names map[objKey]string
	rvs   map[rvKey]string
	nodes []string // real nodes created, deleted at the end
}

func (t *trace) res(k cluster.Kind) dynamic.ResourceInterface {
	if k == cluster.KindNode {
		return t.dyn.Resource(gvr(k))
	}
	return t.dyn.Resource(gvr(k)).Namespace(t.ns)
}

func (t *trace) name(k cluster.Kind, model string) string {
	if n, ok := t.names[objKey{k, model}]; ok {
		return n
	}
	if k == cluster.KindNode {
		return t.ns + "-" + model // nodes are cluster-wide: one set per trace
	}
	return model
}

func (t *trace) uid(u cluster.UID) types.UID {
	if u == 0 {
		return ""
	}
	if r, ok := t.uids[u]; ok {
		return r
	}
	return types.UID(fmt.Sprintf("00000000-0000-0000-0000-%012d", u)) // an object the server never had
}

// real converts a model object as a client would send it: real names, UIDs, owners and
// resourceVersion; withMeta false clears what the server sets on create.
func (t *trace) real(o cluster.Object, create bool) (*unstructured.Unstructured, error) {
	ro := convert.Object(o)
	if ro == nil {
		return nil, fmt.Errorf("no conversion for %s", o.Kind())
	}
	m := ro.(metav1.Object)
	mm := o.Meta()
	if o.Kind() != cluster.KindNode {
		m.SetNamespace(t.ns)
	} else {
		m.SetNamespace("")
	}
	if mm.Name != "" {
		m.SetName(t.name(o.Kind(), mm.Name))
	}
	refs := m.GetOwnerReferences()
	for i := range refs {
		refs[i].UID = t.uid(convert.ModelUID(refs[i].UID))
	}
	m.SetOwnerReferences(refs)
	if p, ok := ro.(*corev1.Pod); ok && p.Spec.NodeName != "" {
		p.Spec.NodeName = t.name(cluster.KindNode, p.Spec.NodeName)
	}
	if create {
		m.SetUID("")
		m.SetResourceVersion("")
		m.SetGeneration(0)
		m.SetCreationTimestamp(metav1.Time{})
		m.SetDeletionTimestamp(nil)
		m.SetDeletionGracePeriodSeconds(nil)
	} else {
		m.SetUID(t.uid(mm.UID))
		m.SetCreationTimestamp(metav1.Time{})
		m.SetDeletionTimestamp(nil)
		m.SetDeletionGracePeriodSeconds(nil)
		if rv, ok := t.rvs[rvKey{objKey{o.Kind(), mm.Name}, mm.ResourceVersion}]; ok {
			m.SetResourceVersion(rv)
		} else {
			m.SetResourceVersion("1") // a version the object never had: a conflict
		}
	}
	raw, err := runtime.DefaultUnstructuredConverter.ToUnstructured(ro)
	if err != nil {
		return nil, err
	}
	return &unstructured.Unstructured{Object: raw}, nil
}

// learn records the real identity of the model's object o after a write.
func (t *trace) learn(o cluster.Object, u *unstructured.Unstructured) {
	if o == nil || u == nil {
		return
	}
	m := o.Meta()
	t.uids[m.UID] = u.GetUID()
	t.names[objKey{o.Kind(), m.Name}] = u.GetName()
	t.rvs[rvKey{objKey{o.Kind(), m.Name}, m.ResourceVersion}] = u.GetResourceVersion()
	if o.Kind() == cluster.KindNode && !slices.Contains(t.nodes, u.GetName()) {
		t.nodes = append(t.nodes, u.GetName())
	}
}

// Replay replays path (action indices, checker.Replay's) of model m.
func (r *Replayer) Replay(ctx context.Context, m *orchestration.Model, path []int) (Result, error) {
	if l := m.Config().Level; l == datastore.Optimistic || l == datastore.Causal {
		return Result{Skipped: "writes land on the revision read under " + l.String()}, nil
	}
	r.n++
	t := &trace{ctx: ctx, dyn: r.dyn, ns: "trace-" + strconv.Itoa(r.n), uids: map[cluster.UID]types.UID{},
		names: map[objKey]string{}, rvs: map[rvKey]string{}}
	defer t.cleanup()
	nsObj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": t.ns}}}
	if _, err := r.dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Create(ctx, nsObj, metav1.CreateOptions{}); err != nil {
		return Result{}, err
	}
	s := m.Init()[0]
	if err := t.setup(s.Store.Latest().Cluster); err != nil {
		return Result{}, fmt.Errorf("initial objects: %v", err)
	}
	var res Result
	var acts []orchestration.Action
	for i, idx := range path {
		acts = m.Actions(s, acts[:0])
		if idx < 0 || idx >= len(acts) {
			return res, fmt.Errorf("step %d: action %d does not exist", i+1, idx)
		}
		next, w, _, out, ok := m.StepWrite(s, acts[idx])
		if !ok {
			return res, fmt.Errorf("step %d: action not enabled", i+1)
		}
		if w != nil {
			st, err := t.compare(i+1, s.Store.Latest().Cluster, next.Store.Latest().Cluster, *w, out)
			if err != nil {
				return res, fmt.Errorf("step %d: %v", i+1, err)
			}
			res.Steps = append(res.Steps, st)
		}
		s = next
	}
	return res, nil
}

// WriteFunc makes a write from the model's latest snapshot (so that it can carry the
// resourceVersion and UID the model has).
type WriteFunc func(c *cluster.Cluster) datastore.Write

// ReplayWrites applies writes, one by one, to the model's API server (datastore.Apply) from
// snapshot initial and to the real one from the same objects, and compares each outcome: the
// API rules beyond those the traces exercise.
func (r *Replayer) ReplayWrites(ctx context.Context, initial *cluster.Cluster, writes []WriteFunc) (Result, error) {
	r.n++
	t := &trace{ctx: ctx, dyn: r.dyn, ns: "writes-" + strconv.Itoa(r.n), uids: map[cluster.UID]types.UID{},
		names: map[objKey]string{}, rvs: map[rvKey]string{}}
	defer t.cleanup()
	nsObj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": t.ns}}}
	if _, err := r.dyn.Resource(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}).Create(ctx, nsObj, metav1.CreateOptions{}); err != nil {
		return Result{}, err
	}
	if err := t.setup(initial); err != nil {
		return Result{}, err
	}
	c := initial
	rev, uid := int64(100), cluster.UID(1000)
	var res Result
	for i, f := range writes {
		w := f(c)
		rev++
		uid++
		next, out := datastore.Apply(c, w, rev, uid)
		st, err := t.compare(i+1, c, next, w, out)
		if err != nil {
			return res, fmt.Errorf("write %d: %v", i+1, err)
		}
		res.Steps = append(res.Steps, st)
		c = next
	}
	return res, nil
}

// setup creates the initial objects: owners before what they own, then writes their status.
func (t *trace) setup(c *cluster.Cluster) error {
	objs := append([]cluster.Object(nil), c.Objects()...)
	sort.SliceStable(objs, func(i, j int) bool {
		return len(objs[i].Meta().OwnerReferences) < len(objs[j].Meta().OwnerReferences)
	})
	for _, o := range objs {
		if o.Meta().Terminating() {
			return fmt.Errorf("%s %s is terminating", o.Kind(), o.Meta().Name)
		}
		u, err := t.real(o, true)
		if err != nil {
			return err
		}
		created, err := t.res(o.Kind()).Create(t.ctx, u, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("create %s %s: %v", o.Kind(), o.Meta().Name, err)
		}
		t.learn(o, created)
		if st, ok := u.Object["status"]; ok {
			created.Object["status"] = st
			updated, err := t.res(o.Kind()).UpdateStatus(t.ctx, created, metav1.UpdateOptions{})
			if err != nil {
				return fmt.Errorf("status of %s %s: %v", o.Kind(), o.Meta().Name, err)
			}
			t.learn(o, updated)
		}
	}
	return nil
}

// cleanup deletes the trace's nodes (its namespace stays: deleting one needs the namespace
// controller, which does not run here).
func (t *trace) cleanup() {
	zero := int64(0)
	for _, n := range t.nodes {
		_ = t.dyn.Resource(gvr(cluster.KindNode)).Delete(context.Background(), n, metav1.DeleteOptions{GracePeriodSeconds: &zero})
	}
}

// send makes the real call of write w; it returns the object the server answered with (nil
// for a delete or an error).
//
// One model write is not sent by its verb: the Deployment controller's revision annotation
// (getNewReplicaSet → SetDeploymentRevision), an Update of the Deployment in the model that
// leaves its spec as it is, goes through Deployments().UpdateStatus upstream, whose strategy
// keeps the annotations and does not bump the generation (the main strategy bumps it on an
// annotation change).
func (t *trace) send(before *cluster.Cluster, w datastore.Write) (*unstructured.Unstructured, error) {
	kind, name := w.Target()
	ctx := t.ctx
	switch w.Verb {
	case datastore.Create:
		u, err := t.real(w.Object, true)
		if err != nil {
			return nil, err
		}
		return t.res(kind).Create(ctx, u, metav1.CreateOptions{})
	case datastore.Update:
		u, err := t.real(w.Object, false)
		if err != nil {
			return nil, err
		}
		if controllers.ThroughStatus(before.Get(kind, name), w) {
			return t.res(kind).UpdateStatus(ctx, u, metav1.UpdateOptions{})
		}
		return t.res(kind).Update(ctx, u, metav1.UpdateOptions{})
	case datastore.UpdateStatus:
		u, err := t.real(w.Object, false)
		if err != nil {
			return nil, err
		}
		return t.res(kind).UpdateStatus(ctx, u, metav1.UpdateOptions{})
	case datastore.PatchStatus:
		u, err := t.real(w.Object, false)
		if err != nil {
			return nil, err
		}
		meta := map[string]any{}
		if w.UID != 0 {
			meta["uid"] = string(t.uid(w.UID))
		}
		patch, _ := json.Marshal(map[string]any{"metadata": meta, "status": u.Object["status"]})
		return t.res(kind).Patch(ctx, t.name(kind, name), types.StrategicMergePatchType, patch, metav1.PatchOptions{}, "status")
	case datastore.Patch:
		meta := map[string]any{}
		if w.UID != 0 {
			meta["uid"] = string(t.uid(w.UID))
		}
		if o := w.Patch.AddOwner; o.UID != 0 {
			ref := convert.OwnerReference(o)
			ref.UID = t.uid(o.UID)
			meta["ownerReferences"] = []any{ref}
		}
		if u := w.Patch.RemoveOwner; u != 0 {
			meta["ownerReferences"] = []any{map[string]any{"$patch": "delete", "uid": string(t.uid(u))}}
		}
		if f := w.Patch.AddFinalizer; f != "" {
			meta["finalizers"] = []string{f}
		}
		if f := w.Patch.RemoveFinalizer; f != "" {
			meta["$deleteFromPrimitiveList/finalizers"] = []string{f}
		}
		patch, _ := json.Marshal(map[string]any{"metadata": meta})
		return t.res(kind).Patch(ctx, t.name(kind, name), types.StrategicMergePatchType, patch, metav1.PatchOptions{})
	case datastore.Bind:
		b := map[string]any{"apiVersion": "v1", "kind": "Binding",
			"metadata": map[string]any{"name": t.name(kind, name), "namespace": t.ns},
			"target":   map[string]any{"apiVersion": "v1", "kind": "Node", "name": t.name(cluster.KindNode, w.Node)}}
		if w.UID != 0 {
			b["metadata"].(map[string]any)["uid"] = string(t.uid(w.UID))
		}
		_, err := t.res(kind).Create(ctx, &unstructured.Unstructured{Object: b}, metav1.CreateOptions{}, "binding")
		if err != nil {
			return nil, err
		}
		return t.res(kind).Get(ctx, t.name(kind, name), metav1.GetOptions{})
	case datastore.Delete:
		opts := metav1.DeleteOptions{}
		if w.UID != 0 {
			u := t.uid(w.UID)
			opts.Preconditions = &metav1.Preconditions{UID: &u}
		}
		if w.Force {
			opts.GracePeriodSeconds = new(int64(0))
		}
		return nil, t.res(kind).Delete(ctx, t.name(kind, name), opts)
	}
	return nil, fmt.Errorf("unknown verb %v", w.Verb)
}

// cause classifies a rejection by its message, the model's and the real one's alike.
func cause(msg string) string {
	m := strings.ToLower(msg)
	for _, c := range []struct{ needle, name string }{
		{"precondition failed: uid", "uid"}, {"uid precondition", "uid"}, {"uid in precondition", "uid"},
		{"the uid in the precondition", "uid"},
		{"has been modified", "modified"}, {"already exists", "exists"}, {"not found", "not-found"},
		{"already assigned", "bound"}, {"being deleted", "deleting"}, {"terminating", "terminating"},
		{"no new finalizers", "terminating"},
	} {
		if strings.Contains(m, c.needle) {
			return c.name
		}
	}
	return "other"
}

// summary is what the comparison looks at in an object after a write.
func (t *trace) modelSummary(c *cluster.Cluster, k cluster.Kind, name string) string {
	o := c.Get(k, name)
	if o == nil {
		return "absent"
	}
	m := o.Meta()
	var owners []string
	for _, r := range m.OwnerReferences {
		owners = append(owners, string(t.uid(r.UID)))
	}
	node := ""
	if p, ok := o.(*cluster.Pod); ok && p.Spec.NodeName != "" {
		node = t.name(cluster.KindNode, p.Spec.NodeName)
	}
	return summary(m.Terminating(), m.Generation, m.Finalizers, owners, node)
}

func realSummary(u *unstructured.Unstructured) string {
	if u == nil {
		return "absent"
	}
	var owners []string
	for _, r := range u.GetOwnerReferences() {
		owners = append(owners, string(r.UID))
	}
	node, _, _ := unstructured.NestedString(u.Object, "spec", "nodeName")
	if u.GetKind() != "Pod" {
		node = ""
	}
	return summary(u.GetDeletionTimestamp() != nil, u.GetGeneration(), u.GetFinalizers(), owners, node)
}

func summary(terminating bool, gen int64, finalizers, owners []string, node string) string {
	s := "present"
	if terminating {
		s = "terminating"
	}
	s += " generation=" + strconv.FormatInt(gen, 10)
	if len(finalizers) > 0 {
		s += " finalizers=" + strings.Join(finalizers, ",")
	}
	if len(owners) > 0 {
		s += " owners=" + strings.Join(owners, ",")
	}
	if node != "" {
		s += " node=" + node
	}
	return s
}

// compare sends w and compares the outcomes.
func (t *trace) compare(index int, before, after *cluster.Cluster, w datastore.Write, out datastore.Outcome) (Step, error) {
	kind, name := w.Target()
	verb := w.Verb.String()
	st := Step{Index: index, Write: fmt.Sprintf("%s %s %s", verb, kind.Resource(), name)}
	got, err := t.send(before, w)
	realCode, realCause := 200, ""
	if err != nil {
		se, ok := err.(apierrors.APIStatus)
		if !ok {
			return st, err
		}
		realCode, realCause = int(se.Status().Code), cause(se.Status().Message)
		st.Real = fmt.Sprintf("%d %s", realCode, se.Status().Message)
	}
	if w.Verb == datastore.Create && err == nil {
		realCode = 201
	}
	modelCause := ""
	if !out.OK() {
		modelCause = cause(out.Reason())
	}
	st.Model = out.String()
	// The object afterwards, by its model name (a created one: the name the model generated).
	objName := name
	if w.Verb == datastore.Create && out.OK() {
		objName = out.Name
	}
	if out.OK() && err == nil {
		var o cluster.Object = after.Get(kind, objName)
		t.learn(o, got)
		// Read the object back: a write's answer is the object written, even when the write
		// removed it (the last finalizer of a terminating object).
		got, err = t.res(kind).Get(t.ctx, t.name(kind, objName), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			got = nil
		} else if err != nil {
			return st, err
		}
		if got != nil && o != nil {
			t.learn(o, got)
		}
		ms, rs := t.modelSummary(after, kind, objName), realSummary(got)
		// A generated name: the prefix and five characters of upstream's alphabet, both ways.
		if w.Verb == datastore.Create && w.Object.Meta().Name == "" {
			prefix := w.Object.Meta().GenerateName
			if !generated(prefix, out.Name) || got == nil || !generated(prefix, got.GetName()) {
				st.Model += "; name " + out.Name
				st.Real = fmt.Sprintf("%d; name %s", realCode, got.GetName())
				st.Deviation = "create " + kind.Resource() + ": generated name"
				return st, nil
			}
		}
		st.Model += "; " + ms
		st.Real = fmt.Sprintf("%d; %s", realCode, rs)
		if ms != rs {
			st.Deviation = fmt.Sprintf("%s %s: %s vs %s", verb, kind.Resource(), diffWords(ms, rs), diffWords(rs, ms))
			return st, nil
		}
		st.Agree = true
		return st, nil
	}
	if out.Code == realCode && modelCause == realCause {
		st.Agree = true
		return st, nil
	}
	st.Deviation = fmt.Sprintf("%s %s: %d (%s) vs %d (%s)", verb, kind.Resource(), out.Code, modelCause, realCode, realCause)
	return st, nil
}

// generated says whether name is prefix and five characters of the alphabet upstream's
// generateName draws from (k8s.io/apimachinery/pkg/util/rand: consonants and digits without
// the look-alikes).
func generated(prefix, name string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || len(rest) != 5 {
		return false
	}
	for _, c := range rest {
		if !strings.ContainsRune("bcdfghjklmnpqrstvwxz2456789", c) {
			return false
		}
	}
	return true
}

// diffWords is the words of a not in b (the fields' names kept, values generalised).
func diffWords(a, b string) string {
	bs := map[string]bool{}
	for _, w := range strings.Fields(b) {
		bs[w] = true
	}
	var out []string
	for _, w := range strings.Fields(a) {
		if !bs[w] {
			k, _, _ := strings.Cut(w, "=")
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return "-"
	}
	return strings.Join(out, ",")
}

package datastore

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/themelios/themelios/models/cluster"
)

// Verb is the kind of a write.
type Verb uint8

// The writes a client can make. Preconditions are what the request carries: a UID (Write.UID,
// or the sent object's for Update and UpdateStatus) and, for Update and UpdateStatus, the sent
// object's resourceVersion; patches carry no resourceVersion, as upstream's controllers send
// them.
const (
	Create       Verb = iota // create Object (Name, or GenerateName for a generated name)
	Update                   // replace Object's metadata and spec; checks UID and resourceVersion
	UpdateStatus             // replace Object's status; checks UID and resourceVersion
	Bind                     // set pod Name's spec.nodeName to Node; checks UID (if set), fails if bound
	Delete                   // delete Kind/Name; checks UID (if set); graceful unless Force
	Patch                    // patch Kind/Name's metadata (Write.Patch); checks UID (if set)
	PatchStatus              // patch Object's status onto the object; checks UID (if set)
)

var verbNames = [...]string{"create", "update", "update status of", "bind", "delete", "patch", "patch the status of"}

func (v Verb) String() string {
	if int(v) < len(verbNames) {
		return verbNames[v]
	}
	return "verb " + strconv.Itoa(int(v))
}

// Write is one request to the API server.
type Write struct {
	Verb   Verb
	Object cluster.Object // Create, Update, UpdateStatus, PatchStatus: the object as the client sends it
	Kind   cluster.Kind   // Bind, Delete, Patch
	Name   string         // Bind, Delete, Patch
	UID    cluster.UID    // Bind, Delete, Patch, PatchStatus: precondition (0: none)
	Node   string         // Bind: the node
	Force  bool           // Delete: no grace period (remove the object at once)
	Patch  MetaPatch      // Patch: the change
}

// MetaPatch is a strategic-merge patch of an object's metadata, as upstream's controllers send
// them: owner references are merged by UID, finalizers as a set.
type MetaPatch struct {
	AddOwner        cluster.OwnerReference // added unless one with its UID is there (UID 0: none)
	RemoveOwner     cluster.UID            // the owner reference with this UID is removed (0: none)
	AddFinalizer    string                 // added unless there ("": none)
	RemoveFinalizer string                 // removed if there ("": none)
}

// Target returns the kind and name the write is about (before a generated name is chosen).
func (w Write) Target() (cluster.Kind, string) {
	if w.Object != nil {
		m := w.Object.Meta()
		if m.Name == "" {
			return w.Object.Kind(), m.GenerateName
		}
		return w.Object.Kind(), m.Name
	}
	return w.Kind, w.Name
}

// Outcome is the API server's answer to a write. A rejection keeps its cause and operands, not
// its sentence (Reason writes it): the search rejects hundreds of thousands of writes and prints
// a few.
type Outcome struct {
	Code int    // 200 OK, 201 Created, 404 Not Found, 409 Conflict, 422 Unprocessable
	Name string // the object's name (the generated one, for a create with generateName)
	why  rejection
}

// rejection is why a write was rejected, with what the sentence names.
type rejection struct {
	cause       cause
	kind        cluster.Kind
	name, node  string
	have, found int64  // resourceVersions: the object's, the one the write sent
	message     string // a real API server's message (Refused)
}

type cause uint8

const (
	accepted cause = iota
	unknownVerb
	nameRequired
	alreadyExists
	notFound
	uidMismatch
	uidImmutable
	modified
	terminating
	alreadyBound
	podDeleting
	refused
)

// OK reports whether the write was accepted.
func (o Outcome) OK() bool { return o.Code < 300 }

// Reason is the rejection's message, as the API server words it ("" for an accepted write).
func (o Outcome) Reason() string {
	w := o.why
	switch w.cause {
	case unknownVerb:
		return "unknown verb"
	case nameRequired:
		return "name or generateName is required"
	case alreadyExists:
		return fmt.Sprintf("%s %q already exists", w.kind, w.name)
	case notFound:
		return fmt.Sprintf("%s %q not found", w.kind, w.name)
	case uidMismatch:
		return fmt.Sprintf("UID precondition failed: %s %q was deleted and re-created", w.kind, w.name)
	case uidImmutable:
		return fmt.Sprintf("%s %q is invalid: metadata.uid: field is immutable (the patch names another UID: it was deleted and re-created)", w.kind, w.name)
	case modified:
		return fmt.Sprintf("the object has been modified (resourceVersion %d, not %d)", w.have, w.found)
	case terminating:
		return fmt.Sprintf("%s %q is terminating: only the removal of finalizers is accepted", w.kind, w.name)
	case alreadyBound:
		return fmt.Sprintf("pod %q is already assigned to node %q", w.name, w.node)
	case podDeleting:
		return fmt.Sprintf("pod %q is being deleted", w.name)
	case refused:
		return w.message
	}
	return ""
}

func (o Outcome) String() string {
	switch o.Code {
	case 200:
		return "200 OK"
	case 201:
		return "201 Created"
	case 404:
		return "404 Not Found: " + o.Reason()
	case 409:
		return "409 Conflict: " + o.Reason()
	case 422:
		return "422 Invalid: " + o.Reason()
	}
	return fmt.Sprintf("%d: %s", o.Code, o.Reason())
}

// Refused is the outcome of a write a real API server rejected with HTTP status code and
// message (for the sentences of a live controller, package kube/manager).
func Refused(code int, message string) Outcome {
	return Outcome{Code: code, why: rejection{cause: refused, message: message}}
}

func reject(code int, why rejection) Outcome {
	return Outcome{Code: code, why: why}
}

// Apply applies w to snapshot c as the API server would, at revision rev, giving a created
// object the UID uid. A rejected write returns c unchanged.
//
// Rules (after the Kubernetes API server, v1.34.3, and checked against a real one by
// conformance/apirules): names are unique per kind; create assigns the UID, resolves
// generateName and sets the resourceVersion and, for kinds that track it, generation 1
// (tracksGeneration); every other write fails on a missing object (404); update, status update,
// delete and bind fail on a UID precondition the object does not meet (409), and a patch whose
// metadata.uid is not the object's is invalid (422); update and status update also fail on a
// stale resourceVersion (409), patches do not check it; a spec change bumps the generation, and
// so does setting deletionTimestamp; a terminating object accepts status writes, patches and, as
// updates, only the removal of finalizers, and is removed once it has none; delete is soft (it
// sets deletionTimestamp) for pods bound to a node and not in a terminal phase (unless
// forced) and for objects with finalizers.
func Apply(c *cluster.Cluster, w Write, rev int64, uid cluster.UID) (*cluster.Cluster, Outcome) {
	return apply(c, w, rev, uid, nil)
}

// apply is Apply; a generated name also avoids the names taken says are taken.
func apply(c *cluster.Cluster, w Write, rev int64, uid cluster.UID, taken func(cluster.Kind, string) bool) (*cluster.Cluster, Outcome) {
	switch w.Verb {
	case Create:
		return create(c, w.Object, rev, uid, taken)
	case Update, UpdateStatus:
		return update(c, w, rev)
	case Bind:
		return bind(c, w, rev)
	case Delete:
		return remove(c, w, rev)
	case Patch:
		return patchMeta(c, w, rev)
	case PatchStatus:
		return patchStatus(c, w, rev)
	}
	return c, reject(422, rejection{cause: unknownVerb})
}

// GeneratedName is the name generateName gives for index i: the prefix and five characters
// derived from i by a fixed bijection (so that names look like upstream's random suffixes).
// Create takes the lowest free index, so that generated names do not grow without bound as
// objects come and go.
func GeneratedName(prefix string, i int) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789" // upstream's alphabet for random suffixes
	const space = 27 * 27 * 27 * 27 * 27
	x := (i%space)*7919 + 4242 // 7919 is prime to 27: a bijection on [0, space)
	x %= space
	suffix := make([]byte, 5)
	for k := range suffix {
		suffix[k] = alphabet[x%27]
		x /= 27
	}
	if i >= space {
		return prefix + string(suffix) + strconv.Itoa(i/space)
	}
	return prefix + string(suffix)
}

func create(c *cluster.Cluster, o cluster.Object, rev int64, uid cluster.UID, taken func(cluster.Kind, string) bool) (*cluster.Cluster, Outcome) {
	// The name is resolved and checked on the sent object, which is copied only once the
	// create is accepted (55% of the creates of the unreduced 59848 check are rejected).
	name := o.Meta().Name
	if name == "" {
		if name = generatedName(c, o, taken); name == "" {
			return c, reject(422, rejection{cause: nameRequired})
		}
	}
	if c.Get(o.Kind(), name) != nil {
		return c, reject(409, rejection{cause: alreadyExists, kind: o.Kind(), name: name})
	}
	o = o.DeepCopy()
	m := o.Meta()
	m.Name, m.UID, m.Generation, m.ResourceVersion, m.CreationRevision, m.DeletionTimestamp = name, uid, 0, rev, rev, 0
	if tracksGeneration(o.Kind()) {
		m.Generation = 1
	}
	return c.With(o), Outcome{Code: 201, Name: name}
}

// generatedName is the name a create of o without a name gets in c: the lowest free index of
// its generateName that taken does not say is taken ("" for no generateName).
func generatedName(c *cluster.Cluster, o cluster.Object, taken func(cluster.Kind, string) bool) string {
	prefix := o.Meta().GenerateName
	if prefix == "" {
		return ""
	}
	for i := 0; ; i++ {
		if n := GeneratedName(prefix, i); c.Get(o.Kind(), n) == nil && (taken == nil || !taken(o.Kind(), n)) {
			return n
		}
	}
}

// tracksGeneration says whether the API server keeps metadata.generation for a kind: its
// registry strategy sets 1 on create and bumps it on a spec change (v1.34.3, pkg/registry:
// pods, ReplicaSets, Deployments, StatefulSets, Jobs; not Nodes, ControllerRevisions or
// PersistentVolumeClaims, whose generation stays 0).
func tracksGeneration(k cluster.Kind) bool {
	switch k {
	case cluster.KindPod, cluster.KindReplicaSet, cluster.KindDeployment, cluster.KindStatefulSet, cluster.KindJob:
		return true
	}
	return false
}

// precondition checks that the object exists and, if uid is set, has that UID.
func precondition(c *cluster.Cluster, k cluster.Kind, name string, uid cluster.UID) (cluster.Object, Outcome) {
	cur := c.Get(k, name)
	if cur == nil {
		return nil, reject(404, rejection{cause: notFound, kind: k, name: name})
	}
	if uid != 0 && cur.Meta().UID != uid {
		return nil, reject(409, rejection{cause: uidMismatch, kind: k, name: name})
	}
	return cur, Outcome{Code: 200, Name: name}
}

// patchTarget is precondition for a patch: a patch carries the UID as metadata.uid, which
// the server merges into the object; a different UID fails validation (422: metadata.uid is
// immutable), not a precondition (v1.34.3: the strategic-merge patches of the kubelet's status
// manager and of the controllers' ControllerRefManager).
func patchTarget(c *cluster.Cluster, k cluster.Kind, name string, uid cluster.UID) (cluster.Object, Outcome) {
	cur, out := precondition(c, k, name, 0)
	if out.OK() && uid != 0 && cur.Meta().UID != uid {
		return nil, reject(422, rejection{cause: uidImmutable, kind: k, name: name})
	}
	return cur, out
}

func update(c *cluster.Cluster, w Write, rev int64) (*cluster.Cluster, Outcome) {
	sent := w.Object
	sm := sent.Meta()
	cur, out := precondition(c, sent.Kind(), sm.Name, sm.UID)
	if !out.OK() {
		return c, out
	}
	cm := cur.Meta()
	if sm.ResourceVersion != cm.ResourceVersion {
		return c, reject(409, rejection{cause: modified, have: cm.ResourceVersion, found: sm.ResourceVersion})
	}
	var next cluster.Object
	if w.Verb == UpdateStatus {
		next = cur.ShallowCopy() // only the status and scalars change
		next.CopyStatus(sent)
	} else {
		next = sent.DeepCopy()
		next.CopyStatus(cur)
		nm := next.Meta()
		// Fields the API server owns.
		nm.UID, nm.GenerateName, nm.CreationRevision, nm.DeletionTimestamp, nm.Generation =
			cm.UID, cm.GenerateName, cm.CreationRevision, cm.DeletionTimestamp, cm.Generation
		if !next.SpecEqual(cur) && tracksGeneration(cur.Kind()) {
			nm.Generation++
		}
	}
	if cm.Terminating() && w.Verb == Update {
		if !next.SpecEqual(cur) || !cluster.OnlyFinalizersRemoved(cm, next.Meta()) {
			return c, reject(409, rejection{cause: terminating, kind: cur.Kind(), name: cm.Name})
		}
		if len(next.Meta().Finalizers) == 0 {
			return c.Without(cur.Kind(), cm.Name), out
		}
	}
	return changed(c, cur, next, rev, out)
}

// patchMeta applies a metadata patch to the current object, whatever its resourceVersion: a
// terminating object left without finalizers is removed.
func patchMeta(c *cluster.Cluster, w Write, rev int64) (*cluster.Cluster, Outcome) {
	cur, out := patchTarget(c, w.Kind, w.Name, w.UID)
	if !out.OK() {
		return c, out
	}
	next := cur.DeepCopy()
	m, p := next.Meta(), w.Patch
	if p.AddOwner.UID != 0 && !slices.ContainsFunc(m.OwnerReferences, func(r cluster.OwnerReference) bool { return r.UID == p.AddOwner.UID }) {
		m.OwnerReferences = append(m.OwnerReferences, p.AddOwner)
	}
	if p.RemoveOwner != 0 {
		m.OwnerReferences = slices.DeleteFunc(m.OwnerReferences, func(r cluster.OwnerReference) bool { return r.UID == p.RemoveOwner })
	}
	if p.AddFinalizer != "" && !slices.Contains(m.Finalizers, p.AddFinalizer) {
		m.Finalizers = append(m.Finalizers, p.AddFinalizer)
	}
	if p.RemoveFinalizer != "" {
		m.Finalizers = slices.DeleteFunc(m.Finalizers, func(f string) bool { return f == p.RemoveFinalizer })
	}
	if len(m.OwnerReferences) == 0 {
		m.OwnerReferences = nil // as a copy has it (cluster.SameContent compares them)
	}
	if len(m.Finalizers) == 0 {
		m.Finalizers = nil
	}
	if m.Terminating() && len(m.Finalizers) == 0 {
		return c.Without(w.Kind, w.Name), out
	}
	return changed(c, cur, next, rev, out)
}

// patchStatus sets the current object's status to the sent object's, whatever its
// resourceVersion (the kubelet's status manager patches the status it computed).
func patchStatus(c *cluster.Cluster, w Write, rev int64) (*cluster.Cluster, Outcome) {
	sent := w.Object
	cur, out := patchTarget(c, sent.Kind(), sent.Meta().Name, w.UID)
	if !out.OK() {
		return c, out
	}
	next := cur.ShallowCopy() // only the status and scalars change
	next.CopyStatus(sent)
	return changed(c, cur, next, rev, out)
}

// changed stores next, the new copy of cur, at revision rev, unless it equals cur: a write
// that changes nothing is accepted and stored nowhere (the API server's GuaranteedUpdate skips
// the storage write, and the resourceVersion stays), and c itself is returned.
func changed(c *cluster.Cluster, cur, next cluster.Object, rev int64, out Outcome) (*cluster.Cluster, Outcome) {
	// Most writes change the status or the generation, found without comparing the whole
	// objects (reflect.DeepEqual: 5% of the time of the unreduced 59848 check).
	if !cur.StatusDiffers(next) && cur.Meta().Generation == next.Meta().Generation {
		next.Meta().ResourceVersion = cur.Meta().ResourceVersion
		if cluster.SameContent(cur, next) {
			return c, out
		}
	}
	next.Meta().ResourceVersion = rev
	return c.With(next), out
}

func bind(c *cluster.Cluster, w Write, rev int64) (*cluster.Cluster, Outcome) {
	cur, out := precondition(c, cluster.KindPod, w.Name, w.UID)
	if !out.OK() {
		return c, out
	}
	pod := cur.(*cluster.Pod)
	switch {
	case pod.Spec.NodeName != "":
		return c, reject(409, rejection{cause: alreadyBound, name: w.Name, node: pod.Spec.NodeName})
	case pod.Terminating():
		return c, reject(409, rejection{cause: podDeleting, name: w.Name})
	}
	next := pod.ShallowCopy().(*cluster.Pod) // only scalars change
	next.Spec.NodeName = w.Node
	next.ResourceVersion = rev
	return c.With(next), out
}

func remove(c *cluster.Cluster, w Write, rev int64) (*cluster.Cluster, Outcome) {
	cur, out := precondition(c, w.Kind, w.Name, w.UID)
	if !out.OK() {
		return c, out
	}
	m := cur.Meta()
	// A pod's delete is graceful when it is bound to a node and not in a terminal phase
	// (v1.34.3 podStrategy.CheckGracefulDelete); anything else goes at once.
	graceful := !w.Force && cur.Kind() == cluster.KindPod && cur.(*cluster.Pod).Spec.NodeName != "" && !cur.(*cluster.Pod).Finished()
	if len(m.Finalizers) == 0 && !graceful {
		return c.Without(w.Kind, w.Name), out
	}
	if m.Terminating() {
		return c, out // already being deleted: nothing changes
	}
	next := cur.ShallowCopy() // only scalars change
	nm := next.Meta()
	nm.DeletionTimestamp = rev
	nm.ResourceVersion = rev
	if nm.Generation > 0 {
		nm.Generation++ // setting deletionTimestamp bumps the generation (v1.34.3, rest.BeforeDelete)
	}
	return c.With(next), out
}

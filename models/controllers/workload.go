package controllers

import (
	"encoding/binary"
	"encoding/json"
	"hash/fnv"
	"math"
	"strconv"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// Helpers shared by the workload controllers (ReplicaSet, Deployment, StatefulSet, Job).

// claim is the first write of upstream's ControllerRefManager for owner: adopt an orphan
// that is not terminating and matches the selector, or release an owned object that no
// longer matches (the selector, or member: upstream's match is both). candidates are in name order; member further restricts adoption. Both are
// strategic-merge patches with the object's UID as their precondition and no resourceVersion
// (upstream v1.34, pkg/controller/controller_ref_manager.go: AdoptPod, ReleasePod, and the
// same for ReplicaSets).
func claim[T cluster.Object](owner cluster.Object, sel cluster.Labels, candidates []T, member func(T) bool) (Intent, bool) {
	for _, o := range candidates {
		m := o.Meta()
		if _, has := m.ControllerRef(); !has && !m.Terminating() && sel.Matches(m.Labels) && (member == nil || member(o)) {
			w := &datastore.Write{Verb: datastore.Patch, Kind: o.Kind(), Name: m.Name, UID: m.UID, Patch: datastore.MetaPatch{AddOwner: controllerRef(owner)}}
			return Intent{Write: w, Why: "adopt an orphan " + strings.ToLower(o.Kind().String())}, true
		}
		// Released: owned, and rejected by the claim's match (the selector, and member).
		if ownedBy(o, owner) && (!sel.Matches(m.Labels) || member != nil && !member(o)) {
			w := &datastore.Write{Verb: datastore.Patch, Kind: o.Kind(), Name: m.Name, UID: m.UID, Patch: datastore.MetaPatch{RemoveOwner: owner.Meta().UID}}
			return Intent{Write: w, Why: "release a " + strings.ToLower(o.Kind().String()) + " that no longer matches"}, true
		}
	}
	return Intent{}, false
}

// controllerRef is the owner reference a controller puts on what it creates.
func controllerRef(owner cluster.Object) cluster.OwnerReference {
	return cluster.OwnerReference{Kind: owner.Kind(), Name: owner.Meta().Name, UID: owner.Meta().UID, Controller: true}
}

// owned returns the objects among objs whose controller is owner.
func owned[T cluster.Object](owner cluster.Object, objs []T) []T {
	return appendOwned(nil, owner, objs)
}

// appendOwned appends to out the objects among objs whose controller is owner (a caller's
// buffer on the stack saves an allocation in a hot sync).
func appendOwned[T cluster.Object](out []T, owner cluster.Object, objs []T) []T {
	for _, o := range objs {
		if ownedBy(o, owner) {
			out = append(out, o)
		}
	}
	return out
}

// newPod stamps a pod out of template t for owner: generateName (or name), labels, spec.
func newPod(owner cluster.Object, t cluster.PodTemplate, name, generateName string) *cluster.Pod {
	p := &cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: name, GenerateName: generateName, Labels: t.Labels,
			OwnerReferences: []cluster.OwnerReference{controllerRef(owner)}},
		Spec:   t.Spec,
		Status: cluster.PodStatus{Phase: cluster.PodPending},
	}
	return p.DeepCopy().(*cluster.Pod)
}

// create, update, updateStatus and deleteObject build the intents of one write.
func create(o cluster.Object, why string) Intent {
	return Intent{Write: &datastore.Write{Verb: datastore.Create, Object: o}, Why: why}
}

func update(o cluster.Object, why string) Intent {
	return Intent{Write: &datastore.Write{Verb: datastore.Update, Object: o}, Why: why}
}

func updateStatus(o cluster.Object, why string) Intent {
	return Intent{Write: &datastore.Write{Verb: datastore.UpdateStatus, Object: o}, Why: why}
}

func deleteObject(o cluster.Object, why string) Intent {
	// By name, with no precondition, as upstream's controllers delete (v1.34: the pod control's
	// DeletePod, the StatefulSet's DeleteStatefulPod, the Deployment's cleanup, the history's
	// DeleteControllerRevision all send empty DeleteOptions).
	return Intent{Write: &datastore.Write{Verb: datastore.Delete, Kind: o.Kind(), Name: o.Meta().Name}, Why: why}
}

// removeFinalizer is upstream's patch that drops finalizer f from pod p, by name, without
// preconditions (v1.34, pkg/controller/job: removeTrackingFinalizerPatch).
func removeFinalizer(p *cluster.Pod, f, why string) Intent {
	return Intent{Write: &datastore.Write{Verb: datastore.Patch, Kind: cluster.KindPod, Name: p.Name, Patch: datastore.MetaPatch{RemoveFinalizer: f}}, Why: why}
}

// runningAndReady is upstream's isRunningAndReady (available too: minReadySeconds is not
// modelled, as there is no clock).
func runningAndReady(p *cluster.Pod) bool {
	return p.Status.Phase == cluster.PodRunning && p.Status.Ready
}

// TemplateHash is the pod-template-hash of a template with a collision count (after upstream
// ComputeHash, v1.30): FNV-32a of the template's rendering and the count, the decimal digits
// of the sum mapped onto the alphabet of generated names. The rendering is this model's own
// (JSON), so hashes differ from a real cluster's.
func TemplateHash(t cluster.PodTemplate, collisions int64) string {
	h := fnv.New32a()
	js, _ := json.Marshal(t)
	h.Write(js)
	if collisions > 0 {
		var b [8]byte
		binary.LittleEndian.PutUint32(b[:], uint32(collisions))
		h.Write(b[:])
	}
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	digits := []byte(strconv.FormatUint(uint64(h.Sum32()), 10))
	for i, d := range digits {
		digits[i] = alphabet[int(d)%len(alphabet)]
	}
	return string(digits)
}

// scaledValue resolves an int-or-percent ("25%", "1", "" for def) against total, rounding a
// percentage up or down (upstream GetScaledValueFromIntOrPercent).
func scaledValue(v, def string, total int64, roundUp bool) int64 {
	if v == "" {
		v = def
	}
	if pct, ok := strings.CutSuffix(v, "%"); ok {
		n, _ := strconv.ParseInt(pct, 10, 64)
		x := float64(n) * float64(total) / 100
		if roundUp {
			return int64(math.Ceil(x))
		}
		return int64(math.Floor(x))
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// ValidIntOrPercent reports whether v is a non-negative integer or percentage.
func ValidIntOrPercent(v string) bool {
	n, err := strconv.ParseInt(strings.TrimSuffix(v, "%"), 10, 64)
	return err == nil && n >= 0
}

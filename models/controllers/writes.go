package controllers

import (
	"fmt"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// UpstreamVersion is the Kubernetes version whose controllers the model mirrors, for the whole
// model: the call sites in Writes, the behaviour each controller's doc comment describes.
const UpstreamVersion = "v1.34.3"

// WriteSite is one kind of write a controller makes, with the preconditions it carries and the
// upstream call it mirrors.
type WriteSite struct {
	Controller string // as the model names it: "kubelet", "replicaset-controller", ...
	Verb       datastore.Verb
	Kind       cluster.Kind
	UID        bool   // a UID precondition (Write.UID, or the UID of the object sent)
	RV         bool   // a resourceVersion precondition (the object sent carries the one read)
	Force      bool   // a delete without grace period
	Upstream   string // the upstream function and the client call it ends in
}

// Writes lists every kind of write the controllers make (the tests check it against the writes
// the model makes in every built-in scenario, both ways). Upstream's deletes by the workload
// controllers send empty DeleteOptions; patches carry no resourceVersion; updates and status
// updates send the object read from the informer cache, resourceVersion included.
var Writes = []WriteSite{
	{"kubelet", datastore.Create, cluster.KindNode, false, false, false, "kubelet registerWithAPIServer → Nodes().Create"},
	{"kubelet", datastore.PatchStatus, cluster.KindPod, true, false, false, "status manager syncPod → PatchPodStatus (strategic merge, metadata.uid)"},
	{"kubelet", datastore.Delete, cluster.KindPod, true, false, true, "status manager syncPod → Pods().Delete (grace 0, UID precondition)"},
	{"scheduler", datastore.Bind, cluster.KindPod, true, false, false, "DefaultBinder.Bind → Pods().Bind (Binding with the pod's UID)"},
	{"replicaset-controller", datastore.Create, cluster.KindPod, false, false, false, "manageReplicas → RealPodControl.CreatePods"},
	{"replicaset-controller", datastore.Delete, cluster.KindPod, false, false, false, "manageReplicas → RealPodControl.DeletePod (empty DeleteOptions)"},
	{"replicaset-controller", datastore.UpdateStatus, cluster.KindReplicaSet, true, true, false, "updateReplicaSetStatus → ReplicaSets().UpdateStatus"},
	{"replicaset-controller", datastore.Patch, cluster.KindPod, true, false, false, "PodControllerRefManager.AdoptPod / ReleasePod → PatchPod"},
	{"deployment-controller", datastore.Create, cluster.KindReplicaSet, false, false, false, "getNewReplicaSet → ReplicaSets().Create"},
	{"deployment-controller", datastore.Update, cluster.KindReplicaSet, true, true, false, "scaleReplicaSet, getNewReplicaSet (annotations) → ReplicaSets().Update"},
	{"deployment-controller", datastore.Delete, cluster.KindReplicaSet, false, false, false, "cleanupDeployment → ReplicaSets().Delete (empty DeleteOptions)"},
	{"deployment-controller", datastore.Update, cluster.KindDeployment, true, true, false, "getNewReplicaSet → SetDeploymentRevision, sent by Deployments().UpdateStatus (the same preconditions)"},
	{"deployment-controller", datastore.UpdateStatus, cluster.KindDeployment, true, true, false, "syncDeploymentStatus → Deployments().UpdateStatus"},
	{"deployment-controller", datastore.Patch, cluster.KindReplicaSet, true, false, false, "ReplicaSetControllerRefManager.AdoptReplicaSet / ReleaseReplicaSet → PatchReplicaSet"},
	{"statefulset-controller", datastore.Create, cluster.KindPod, false, false, false, "StatefulPodControl.CreateStatefulPod → Pods().Create"},
	{"statefulset-controller", datastore.Create, cluster.KindPersistentVolumeClaim, false, false, false, "createPersistentVolumeClaims → PersistentVolumeClaims().Create"},
	{"statefulset-controller", datastore.Update, cluster.KindPod, true, true, false, "StatefulPodControl.UpdateStatefulPod → Pods().Update"},
	{"statefulset-controller", datastore.Delete, cluster.KindPod, false, false, false, "StatefulPodControl.DeleteStatefulPod → Pods().Delete (empty DeleteOptions)"},
	{"statefulset-controller", datastore.UpdateStatus, cluster.KindStatefulSet, true, true, false, "updateStatefulSetStatus → StatefulSets().UpdateStatus"},
	{"statefulset-controller", datastore.Create, cluster.KindControllerRevision, false, false, false, "history CreateControllerRevision → ControllerRevisions().Create"},
	{"statefulset-controller", datastore.Update, cluster.KindControllerRevision, true, true, false, "history UpdateControllerRevision → ControllerRevisions().Update"},
	{"statefulset-controller", datastore.Delete, cluster.KindControllerRevision, false, false, false, "history DeleteControllerRevision → ControllerRevisions().Delete (empty DeleteOptions)"},
	{"statefulset-controller", datastore.Patch, cluster.KindPod, true, false, false, "PodControllerRefManager.AdoptPod / ReleasePod → PatchPod"},
	{"job-controller", datastore.Create, cluster.KindPod, false, false, false, "manageJob → RealPodControl.CreatePodsWithGenerateName"},
	{"job-controller", datastore.Delete, cluster.KindPod, false, false, false, "deleteJobPods, deleteActivePods → RealPodControl.DeletePod (empty DeleteOptions)"},
	{"job-controller", datastore.Patch, cluster.KindPod, false, false, false, "removeTrackingFinalizerPatch → PatchPod (strategic merge, no uid)"},
	{"job-controller", datastore.Patch, cluster.KindPod, true, false, false, "PodControllerRefManager.AdoptPod / ReleasePod → PatchPod (with the tracking finalizer)"},
	{"job-controller", datastore.UpdateStatus, cluster.KindJob, true, true, false, "updateJobStatus → Jobs().UpdateStatus"},
	{"podgc", datastore.Delete, cluster.KindPod, false, false, true, "markFailedAndDeletePodWithCondition → Pods().Delete (grace 0)"},
}

// ThroughStatus reports whether write w, to an object that is cur before it, is sent through
// the status subresource upstream though the model makes it an Update: the Deployment
// controller's revision annotation, an Update of the Deployment that leaves its spec as it is
// (getNewReplicaSet → SetDeploymentRevision, sent by Deployments().UpdateStatus, whose strategy
// keeps the annotations and does not bump the generation).
func ThroughStatus(cur cluster.Object, w datastore.Write) bool {
	return w.Verb == datastore.Update && cur != nil && cur.Kind() == cluster.KindDeployment && cur.SpecEqual(w.Object)
}

// SiteOf classifies w, a write of controller (as the model names it), as Writes does.
func SiteOf(controller string, w datastore.Write) WriteSite {
	kind, _ := w.Target()
	s := WriteSite{Controller: controller, Verb: w.Verb, Kind: kind, Force: w.Verb == datastore.Delete && w.Force}
	switch w.Verb {
	case datastore.Update, datastore.UpdateStatus:
		s.UID, s.RV = w.Object.Meta().UID != 0, w.Object.Meta().ResourceVersion != 0
	case datastore.Create:
	default:
		s.UID = w.UID != 0
	}
	return s
}

// Same reports whether s and o are the same kind of write (their upstream call aside).
func (s WriteSite) Same(o WriteSite) bool {
	s.Upstream, o.Upstream = "", ""
	return s == o
}

// MarkdownRow is s as a row of the README's table of writes.
func (s WriteSite) MarkdownRow() string {
	yes := func(b bool, text string) string {
		if b {
			return text
		}
		return "-"
	}
	verb := s.Verb.String()
	if s.Force {
		verb += " (grace 0)"
	}
	return fmt.Sprintf("| %s | %s %s | %s | %s | %s |", s.Controller, verb, strings.ToLower(s.Kind.String()), yes(s.UID, "UID"), yes(s.RV, "resourceVersion"), s.Upstream)
}

// Package controllers holds the reconcile steps of the orchestration model: pure functions from
// a view of the cluster (one snapshot, as the controller read it) to the intents it would act
// on. Each intent is at most one write and, for the kubelet, a change to the containers running
// on its node. No clocks, no randomness, no package state, and no mutation of the view.
//
// Controllers follow upstream Kubernetes behaviour one write at a time, without informer caches;
// the ReplicaSet and Job controllers' expectations are Expectations, which the model applies
// (Expectations.Gated); what is left out is said on each controller. Their writes carry the
// preconditions of upstream's calls at UpstreamVersion (Writes); their reconcile logic was
// ported from v1.30.
package controllers

import (
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// Intent is one thing a controller would do now.
type Intent struct {
	Write *datastore.Write // nil for a step with no write (kubelet container clean-up)
	// Kubelet only: the containers to start (Run), whose record to drop (Stop), or whose exit
	// is now reported (Report: the record is kept, marked Reported).
	Run    *Container
	Stop   *Container
	Report *Container
	Why    string // a short reason, for traces: "1 of 2 replicas exist"
	// Gate, if set, is the owner whose expectations the intent waits for (see Expectations):
	// it is part of the owner's manageReplicas or manageJob (or the Job's Failed condition),
	// which a sync skips while the owner has a create or delete its view has not observed;
	// Instead, if not nil, is what the sync does then. Pod GC uses Instead too: for a delete
	// whose node a live read finds (GoneNode), it is the next pod to collect. Expects: once its write succeeds, the controller expects to observe it
	// (the write counts among Gate's expectations).
	// Waiting marks an Instead: the sync's write while its owner's expectations are not
	// satisfied.
	Gate    cluster.UID
	Expects bool
	Instead *Intent
	Waiting bool
	// GoneNode, if set, names the node whose absence the write relies on: pod GC confirms it
	// with a live read before deleting the node's pods (see PodGC).
	GoneNode string
}

// Container is a pod's containers as a kubelet runs them: the pod's name and UID, and whether
// they have exited (and how).
type Container struct {
	Pod  string      `json:"pod"`
	UID  cluster.UID `json:"uid"`
	Exit Exit        `json:"exit,omitempty"`
	CPU  int64       `json:"cpu,omitempty"` // the pod's CPU request, millicores
	// Reported: the containers exited and the kubelet wrote the pod's terminal phase; it keeps
	// the record so as not to start the pod again, until the pod leaves the node or the
	// kubelet restarts.
	Reported bool `json:"reported,omitempty"`
}

// Exit is how a container ended.
type Exit uint8

// Exit states.
const (
	Running Exit = iota
	Succeeded
	Failed
)

// ownedBy reports whether o's controller reference points at owner.
func ownedBy(o cluster.Object, owner cluster.Object) bool {
	ref, ok := o.Meta().ControllerRef()
	return ok && ref.UID == owner.Meta().UID
}

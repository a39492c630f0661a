// Package orchestration is the orchestration model: a Kubernetes-style control plane as a
// transition system for the checker. A state is the datastore's retained history plus each
// controller's local state (its session, and for a kubelet the containers it runs); an action
// is a controller step (read a revision the consistency level allows, reconcile once, make at
// most one write), a fault (controller restart, node crash and rejoin, a container exiting) or
// a client action (scale a ReplicaSet, Deployment or StatefulSet, change its image, pause or
// resume a Deployment, suspend or resume a Job).
//
// Equivalent states fingerprint the same: the encoding renumbers revisions and
// resourceVersions, generations and UIDs by rank or first appearance, generated names reuse
// the lowest free suffix, and the datastore drops revisions no controller can read.
package orchestration

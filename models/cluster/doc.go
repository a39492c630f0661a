// Package cluster holds the API objects of the orchestration model (lean Go types of our own
// with Kubernetes field names, only the fields the controllers and properties use) and the
// Cluster: one immutable snapshot of every object, as the datastore holds it at one revision.
//
// Snapshots are shared between states of the checker: never modify one in place. Changes go
// through the datastore, which copies what it changes.
package cluster

// Package datastore is the versioned store of the orchestration model: the API server's write
// rules over cluster snapshots (apiserver.go), and a history of revisions read under one of
// five consistency levels (store.go).
package datastore

package controllers

import (
	"slices"

	"github.com/themelios/themelios/models/cluster"
)

// Expectations are what the ReplicaSet and Job controllers remember of their own pod creates
// and deletes until their caches show them (upstream's ControllerExpectations, Kubernetes
// v1.34 pkg/controller/controller_utils.go: SatisfiedExpectations, ExpectCreations,
// ExpectDeletions, CreationObserved, DeletionObserved). While an owner has a create or delete
// its controller has not observed, its sync makes no create or delete for it (manageReplicas,
// manageJob are skipped); it still adopts, releases and writes status.
//
// Each entry is one write the controller made and the revision it made: the write is observed
// in a view of that revision or a later one (the informer delivered the event), and the
// entries a view has observed stop counting for it (Pending). Upstream keeps counts per owner,
// decremented by any add or delete event of the owner's pods; the model ties each count to its
// own write, which agrees with upstream's counts except where another writer (a duplicate
// controller) creates or deletes pods of the same owner, whose events upstream would count
// too. Upstream sets a batch's expectations at once and makes the batch from one view; the
// model makes one write per step, so a batch of n creates is n syncs, each once the previous
// create is observed. Entries expire after upstream's ExpectationsTimeout (five minutes): the
// model has no clock, so expiry is an environment action (Expire) when the configuration lets
// it happen. A restart loses them, as they live in memory.
type Expectations []Expected

// Expected is one create or delete of a pod of Owner, made at revision Rev.
type Expected struct {
	Owner cluster.UID `json:"owner"`
	Rev   int64       `json:"rev"`
}

// Pending reports whether owner has a write a view of revision rev has not observed (its
// expectations are not satisfied there).
func (e Expectations) Pending(owner cluster.UID, rev int64) bool {
	for _, x := range e {
		if x.Owner == owner && x.Rev > rev {
			return true
		}
	}
	return false
}

// AnyPending reports whether some owner has a write a view of revision rev has not observed.
func (e Expectations) AnyPending(rev int64) bool {
	for _, x := range e {
		if x.Rev > rev {
			return true
		}
	}
	return false
}

// Add returns e with the write of owner at revision rev (a new slice; e is not modified).
func (e Expectations) Add(owner cluster.UID, rev int64) Expectations {
	out := append(slices.Clip(e), Expected{Owner: owner, Rev: rev})
	slices.SortFunc(out, compareExpected)
	return out
}

// Expire returns e without owner's entries (their time-to-live passed), or e itself when it
// has none.
func (e Expectations) Expire(owner cluster.UID) Expectations {
	return e.without(func(x Expected) bool { return x.Owner == owner })
}

// Owners lists the owners with entries, in order, once each.
func (e Expectations) Owners() []cluster.UID {
	var out []cluster.UID
	for _, x := range e {
		if len(out) == 0 || out[len(out)-1] != x.Owner {
			out = append(out, x.Owner)
		}
	}
	return out
}

// Prune drops the entries every view of revision oldest or later has observed: no view the
// controller may read makes them count. It returns e itself when nothing is dropped.
func (e Expectations) Prune(oldest int64) Expectations {
	return e.without(func(x Expected) bool { return x.Rev <= oldest })
}

// without returns e without the entries drop selects (a new slice, nil when none is left), or
// e itself when drop selects none.
func (e Expectations) without(drop func(Expected) bool) Expectations {
	if !slices.ContainsFunc(e, drop) {
		return e
	}
	if out := slices.DeleteFunc(slices.Clone(e), drop); len(out) > 0 {
		return out
	}
	return nil
}

func compareExpected(a, b Expected) int {
	if a.Owner != b.Owner {
		if a.Owner < b.Owner {
			return -1
		}
		return 1
	}
	switch {
	case a.Rev < b.Rev:
		return -1
	case a.Rev > b.Rev:
		return 1
	}
	return 0
}

// Gated returns in as a controller whose expectations are e acts on a view of revision rev:
// an intent gated by an owner whose expectations are not satisfied there gives way to what the
// sync does instead (Intent.Instead), or to nothing. It returns in itself when nothing is
// gated, and never modifies it.
func (e Expectations) Gated(in []Intent, rev int64) []Intent {
	if !e.AnyPending(rev) || !slices.ContainsFunc(in, func(x Intent) bool { return x.Gate != 0 && e.Pending(x.Gate, rev) }) {
		return in
	}
	out := make([]Intent, 0, len(in))
	for _, x := range in {
		if x.Gate == 0 || !e.Pending(x.Gate, rev) {
			out = append(out, x)
		} else if x.Instead != nil {
			out = append(out, *x.Instead)
		}
	}
	return out
}

// waiting is a copy of in, if any, as the sync's write while its owner's expectations are not
// satisfied: its reason says so.
func waiting(in *Intent) *Intent {
	if in == nil {
		return nil
	}
	w := *in
	w.Waiting = true
	w.Why += "; its own creates and deletes are not all observed yet (expectations)"
	return &w
}

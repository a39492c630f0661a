package apirules

import (
	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// ruleCase is a sequence of writes that exercises API rules the traces may not reach.
type ruleCase struct {
	name    string
	initial *cluster.Cluster
	writes  []WriteFunc
}

func rulePod(name string, uid cluster.UID) *cluster.Pod {
	return &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, UID: uid, Generation: 1, ResourceVersion: 1, CreationRevision: 1},
		Spec: cluster.PodSpec{Image: "web:1", RestartPolicy: cluster.RestartAlways}, Status: cluster.PodStatus{Phase: cluster.PodPending}}
}

func ruleNode() *cluster.Node {
	return &cluster.Node{ObjectMeta: cluster.ObjectMeta{Name: "n1", UID: 2, ResourceVersion: 1, CreationRevision: 1}, Status: cluster.NodeStatus{Ready: true}}
}

func ruleReplicaSet() *cluster.ReplicaSet {
	l := cluster.Labels{{Key: "app", Value: "web"}}
	return &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "web", UID: 3, Generation: 1, ResourceVersion: 1, CreationRevision: 1},
		Spec: cluster.ReplicaSetSpec{Replicas: 1, Selector: l, Template: cluster.PodTemplate{Labels: l, Spec: cluster.PodSpec{Image: "web:1", RestartPolicy: cluster.RestartAlways}}}}
}

func finished(p *cluster.Pod) *cluster.Pod {
	p.Status.Phase = cluster.PodSucceeded
	return p
}

func podFrom(c *cluster.Cluster, name string) *cluster.Pod {
	return c.Pod(name).DeepCopy().(*cluster.Pod)
}

// ruleCases: creates and generateName; stale resourceVersions; UID preconditions on update,
// delete, bind and patches; binding twice; graceful deletion and finalizers; the generation on
// spec, status and label changes.
func ruleCases() []ruleCase {
	pod := func(name string) WriteFunc {
		return func(*cluster.Cluster) datastore.Write {
			return datastore.Write{Verb: datastore.Create, Object: &cluster.Pod{
				ObjectMeta: cluster.ObjectMeta{Name: name}, Spec: cluster.PodSpec{Image: "web:1", RestartPolicy: cluster.RestartAlways}}}
		}
	}
	return []ruleCase{
		{"create", cluster.New(ruleNode()), []WriteFunc{
			pod("a"), pod("a"), // 201, then 409 AlreadyExists
			func(*cluster.Cluster) datastore.Write {
				return datastore.Write{Verb: datastore.Create, Object: &cluster.Pod{ObjectMeta: cluster.ObjectMeta{GenerateName: "web-"},
					Spec: cluster.PodSpec{Image: "web:1", RestartPolicy: cluster.RestartAlways}}}
			},
		}},
		{"update", cluster.New(ruleNode(), rulePod("a", 1), ruleReplicaSet()), []WriteFunc{
			func(c *cluster.Cluster) datastore.Write { // a label: no new generation
				p := podFrom(c, "a")
				p.Labels = cluster.Labels{{Key: "x", Value: "1"}}
				return datastore.Write{Verb: datastore.Update, Object: p}
			},
			func(c *cluster.Cluster) datastore.Write { // the same, from the stale version: 409
				p := podFrom(c, "a")
				p.ResourceVersion = 1
				p.Labels = cluster.Labels{{Key: "x", Value: "2"}}
				return datastore.Write{Verb: datastore.Update, Object: p}
			},
			func(c *cluster.Cluster) datastore.Write { // another UID: 409
				p := podFrom(c, "a")
				p.UID = 77
				return datastore.Write{Verb: datastore.Update, Object: p}
			},
			func(c *cluster.Cluster) datastore.Write { // spec.replicas: a new generation
				rs := c.Get(cluster.KindReplicaSet, "web").DeepCopy().(*cluster.ReplicaSet)
				rs.Spec.Replicas = 3
				return datastore.Write{Verb: datastore.Update, Object: rs}
			},
			func(c *cluster.Cluster) datastore.Write { // the status: none
				rs := c.Get(cluster.KindReplicaSet, "web").DeepCopy().(*cluster.ReplicaSet)
				rs.Status.Replicas, rs.Status.ObservedGeneration = 1, 2
				return datastore.Write{Verb: datastore.UpdateStatus, Object: rs}
			},
			func(*cluster.Cluster) datastore.Write { // a missing object: 404
				p := rulePod("gone", 5)
				return datastore.Write{Verb: datastore.Update, Object: p}
			},
		}},
		{"bind", cluster.New(ruleNode(), rulePod("a", 1), rulePod("b", 4), finished(rulePod("c", 6))), []WriteFunc{
			func(*cluster.Cluster) datastore.Write { // another UID: 409
				return datastore.Write{Verb: datastore.Bind, Kind: cluster.KindPod, Name: "a", UID: 77, Node: "n1"}
			},
			func(*cluster.Cluster) datastore.Write {
				return datastore.Write{Verb: datastore.Bind, Kind: cluster.KindPod, Name: "a", UID: 1, Node: "n1"}
			},
			func(*cluster.Cluster) datastore.Write { // bound already: 409
				return datastore.Write{Verb: datastore.Bind, Kind: cluster.KindPod, Name: "a", UID: 1, Node: "n1"}
			},
			func(*cluster.Cluster) datastore.Write { // a bound pod's delete is graceful
				return datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "a"}
			},
			func(*cluster.Cluster) datastore.Write { // and again: nothing changes
				return datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "a"}
			},
			func(*cluster.Cluster) datastore.Write { // forced: gone
				return datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "a", Force: true}
			},
			func(*cluster.Cluster) datastore.Write { // an unbound pod's delete is immediate
				return datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "b"}
			},
			func(*cluster.Cluster) datastore.Write { // bind c, whose status says it succeeded
				return datastore.Write{Verb: datastore.Bind, Kind: cluster.KindPod, Name: "c", UID: 6, Node: "n1"}
			},
			func(*cluster.Cluster) datastore.Write { // a finished pod's delete is immediate, bound or not
				return datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "c"}
			},
			func(*cluster.Cluster) datastore.Write { // missing: 404
				return datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "b"}
			},
		}},
		{"finalizers and patches", cluster.New(ruleNode(), rulePod("a", 1), ruleReplicaSet()), []WriteFunc{
			func(*cluster.Cluster) datastore.Write {
				return datastore.Write{Verb: datastore.Patch, Kind: cluster.KindPod, Name: "a", UID: 1, Patch: datastore.MetaPatch{AddFinalizer: "example.com/keep"}}
			},
			func(*cluster.Cluster) datastore.Write { // another UID: 422
				return datastore.Write{Verb: datastore.Patch, Kind: cluster.KindPod, Name: "a", UID: 77, Patch: datastore.MetaPatch{AddOwner: cluster.OwnerReference{Kind: cluster.KindReplicaSet, Name: "web", UID: 3, Controller: true}}}
			},
			func(*cluster.Cluster) datastore.Write { // adopt
				return datastore.Write{Verb: datastore.Patch, Kind: cluster.KindPod, Name: "a", UID: 1, Patch: datastore.MetaPatch{AddOwner: cluster.OwnerReference{Kind: cluster.KindReplicaSet, Name: "web", UID: 3, Controller: true}}}
			},
			func(*cluster.Cluster) datastore.Write { // delete with a finalizer: terminating
				return datastore.Write{Verb: datastore.Delete, Kind: cluster.KindPod, Name: "a", UID: 1}
			},
			func(c *cluster.Cluster) datastore.Write { // a status patch on a terminating pod
				p := podFrom(c, "a")
				p.Status.Phase = cluster.PodFailed
				return datastore.Write{Verb: datastore.PatchStatus, Object: p, UID: 1}
			},
			func(c *cluster.Cluster) datastore.Write { // a status patch naming another UID: 422
				p := podFrom(c, "a")
				return datastore.Write{Verb: datastore.PatchStatus, Object: p, UID: 77}
			},
			func(*cluster.Cluster) datastore.Write { // release
				return datastore.Write{Verb: datastore.Patch, Kind: cluster.KindPod, Name: "a", UID: 1, Patch: datastore.MetaPatch{RemoveOwner: 3}}
			},
			func(*cluster.Cluster) datastore.Write { // the last finalizer: gone
				return datastore.Write{Verb: datastore.Patch, Kind: cluster.KindPod, Name: "a", UID: 1, Patch: datastore.MetaPatch{RemoveFinalizer: "example.com/keep"}}
			},
			func(*cluster.Cluster) datastore.Write { // a delete naming another UID: 409
				return datastore.Write{Verb: datastore.Delete, Kind: cluster.KindReplicaSet, Name: "web", UID: 77}
			},
		}},
	}
}

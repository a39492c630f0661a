// Package scene holds the data of a picture of a cluster at one step of a trace, and of what a
// controller step read: what the orchestration model describes (checker.SceneDescriber and
// checker.ReadDescriber) and the playground draws. It has no dependencies, so that the page
// decodes it without linking the model.
package scene

// Scene is a state as data for a picture of the cluster (the model describes one for
// checker.SceneDescriber; the playground draws it): the nodes with the pods bound to each in the latest revision and the
// containers each kubelet runs, the pods bound to no node, the workloads with their desired and
// ready counts, and each controller with what it read. It says nothing of how to draw it.
type Scene struct {
	Revision    int64        `json:"revision"`
	Nodes       []Node       `json:"nodes"`
	Unbound     []Pod        `json:"unbound,omitempty"`
	Workloads   []Workload   `json:"workloads,omitempty"`
	Controllers []Controller `json:"controllers"`
}

// Node is a node: its kubelet's, whether its Node object is in the latest revision and
// Ready, whether it crashed (down), and its pods by name.
type Node struct {
	Name  string `json:"name"`
	Ready bool   `json:"ready"`
	Down  bool   `json:"down,omitempty"`
	Pods  []Pod  `json:"pods,omitempty"`
}

// Pod is a pod on a node (or bound to none): as the latest revision has it (Phase empty
// when the store no longer has a pod of that name and UID), whether it is bound to this node
// there, whether this node's kubelet runs its containers, and whether its identity (its name)
// runs on more than one node (the model's property that a pod identity runs on one node, broken).
type Pod struct {
	Name        string `json:"name"`
	UID         int64  `json:"uid,omitempty"`
	Phase       string `json:"phase,omitempty"`
	Ready       bool   `json:"ready,omitempty"`
	Terminating bool   `json:"terminating,omitempty"`
	Bound       bool   `json:"bound,omitempty"`
	Running     bool   `json:"running,omitempty"`
	Twice       bool   `json:"twice,omitempty"`
}

// Workload is a ReplicaSet, Deployment, StatefulSet (desired: spec.replicas) or Job
// (desired: the active pods it wants, JobWants), with its ready count from its status.
type Workload struct {
	Kind    string `json:"kind"`
	Name    string `json:"name"`
	Desired int64  `json:"desired"`
	Ready   int64  `json:"ready"`
}

// Controller is a controller with what it read ("rev 4", "pods rev 4, jobs rev 6",
// "restarted", "-" before its first read) and whether its node is down.
type Controller struct {
	Name string `json:"name"`
	Read string `json:"read"`
	Down bool   `json:"down,omitempty"`
}

// StepRead is what a controller step read (checker.ReadDescriber): the controller, the latest
// revision when it stepped, each cache's read (one for every kind under CacheSnapshot), and the
// cluster as it saw it (Saw: the view, without what the controllers hold locally).
type StepRead struct {
	Controller string     `json:"controller"`
	Latest     int64      `json:"latest"`
	Reads      []KindRead `json:"reads"`
	Saw        Scene      `json:"saw"`
}

// KindRead is the revision a step read objects of a kind at ("*" under CacheSnapshot: every
// kind).
type KindRead struct {
	Kind string `json:"kind"`
	Rev  int64  `json:"rev"`
}

package cluster

import "fmt"

// Kind is an object's kind; clusters keep objects ordered by kind, then name.
type Kind uint8

// The kinds of the model.
const (
	KindNode Kind = iota
	KindPod
	KindReplicaSet
	KindDeployment
	KindStatefulSet
	KindControllerRevision
	KindPersistentVolumeClaim
	KindJob
	numKinds
)

var kindNames = [...]string{"Node", "Pod", "ReplicaSet", "Deployment", "StatefulSet", "ControllerRevision", "PersistentVolumeClaim", "Job"}

// String returns the Kubernetes kind name.
func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Resource returns the kind's API resource name, lower-case and plural ("pods",
// "replicasets"), as in a URL path or an informer's name.
func (k Kind) Resource() string {
	if k < numKinds {
		return resourceNames[k]
	}
	return k.String()
}

var resourceNames = [...]string{"nodes", "pods", "replicasets", "deployments", "statefulsets", "controllerrevisions", "persistentvolumeclaims", "jobs"}

// MarshalText writes the kind name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText reads a kind name.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, n := range kindNames {
		if n == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("unknown kind %q", b)
}

// Object is an API object. Objects in a Cluster are shared: copy (DeepCopy) before changing.
type Object interface {
	Kind() Kind
	Meta() *ObjectMeta
	// DeepCopy returns an independent copy.
	DeepCopy() Object
	// ShallowCopy returns a copy that shares the receiver's lists (of its metadata, spec and
	// status: a Job's uncounted pods and completed indexes) and keeps derived values of its
	// own (ObjectMemo), for a writer that sets only scalar fields (resourceVersion,
	// deletionTimestamp, generation, a pod's nodeName) or a whole status (CopyStatus) on it:
	// an append to or an edit of a shared list would change the receiver.
	ShallowCopy() Object
	// SpecEqual reports whether o (of the same kind) has the same spec: a change of spec
	// bumps the generation.
	SpecEqual(o Object) bool
	// CopyStatus sets the receiver's status (a fresh copy, never a shared object) to from's, of
	// the same kind: the API server keeps status out of spec updates and spec out of status
	// updates.
	CopyStatus(from Object)
	// StatusDiffers reports whether o (of the same kind) has another status: true only when
	// reflect.DeepEqual finds the two statuses different, so that a caller may skip comparing
	// the whole objects (SameContent); false when they are equal, or differ only in a nil
	// list against an empty one.
	StatusDiffers(o Object) bool
}

// Taint marks a node; pods that do not tolerate it are not scheduled there.
type Taint struct {
	Key    string `json:"key"`
	Value  string `json:"value,omitempty"`
	Effect string `json:"effect"` // NoSchedule (the only effect the scheduler honours here)
}

// Toleration lets a pod be scheduled on a tainted node (operator Equal, or Exists when Value is "").
type Toleration struct {
	Key   string `json:"key"`
	Value string `json:"value,omitempty"`
}

// Tolerates reports whether a toleration matches the taint.
func (t Toleration) Tolerates(taint Taint) bool {
	return t.Key == taint.Key && (t.Value == "" || t.Value == taint.Value)
}

// Node is a machine that runs pods.
type Node struct {
	ObjectMeta `json:"metadata"`
	Spec       NodeSpec   `json:"spec"`
	Status     NodeStatus `json:"status"`
}

// NodeSpec holds the scheduling-relevant node settings.
type NodeSpec struct {
	Unschedulable bool    `json:"unschedulable,omitempty"`
	Taints        []Taint `json:"taints,omitempty"`
}

// NodeStatus holds the node's capacity and readiness.
type NodeStatus struct {
	Ready bool `json:"ready"`
	// Allocatable CPU in millicores and pods.
	AllocatableCPU  int64 `json:"allocatableCPU"`
	AllocatablePods int64 `json:"allocatablePods"`
}

func (n *Node) Kind() Kind        { return KindNode }
func (n *Node) Meta() *ObjectMeta { return &n.ObjectMeta }
func (n *Node) DeepCopy() Object {
	c := *n
	c.ObjectMeta = n.ObjectMeta.deepCopy()
	c.Spec.Taints = append([]Taint(nil), n.Spec.Taints...)
	return &c
}
func (n *Node) SpecEqual(o Object) bool {
	m := o.(*Node)
	if n.Spec.Unschedulable != m.Spec.Unschedulable || len(n.Spec.Taints) != len(m.Spec.Taints) {
		return false
	}
	for i := range n.Spec.Taints {
		if n.Spec.Taints[i] != m.Spec.Taints[i] {
			return false
		}
	}
	return true
}

// PodPhase is a pod's lifecycle phase.
type PodPhase string

// Pod phases.
const (
	PodPending   PodPhase = "Pending"
	PodRunning   PodPhase = "Running"
	PodSucceeded PodPhase = "Succeeded"
	PodFailed    PodPhase = "Failed"
)

// RestartPolicy says whether a pod's containers are restarted.
type RestartPolicy string

// Restart policies.
const (
	RestartAlways    RestartPolicy = "Always"
	RestartOnFailure RestartPolicy = "OnFailure"
	RestartNever     RestartPolicy = "Never"
)

// PodSpec is what a pod runs and where.
type PodSpec struct {
	NodeName      string        `json:"nodeName,omitempty"`
	Image         string        `json:"image"`
	CPU           int64         `json:"cpu,omitempty"` // requested millicores
	RestartPolicy RestartPolicy `json:"restartPolicy"`
	Tolerations   []Toleration  `json:"tolerations,omitempty"`
	Claims        []string      `json:"claims,omitempty"` // PersistentVolumeClaim names
	Hostname      string        `json:"hostname,omitempty"`
}

func (s PodSpec) deepCopy() PodSpec {
	s.Tolerations = append([]Toleration(nil), s.Tolerations...)
	s.Claims = append([]string(nil), s.Claims...)
	return s
}

func (s *PodSpec) equal(o *PodSpec) bool {
	if s.NodeName != o.NodeName || s.Image != o.Image || s.CPU != o.CPU || s.RestartPolicy != o.RestartPolicy ||
		s.Hostname != o.Hostname || len(s.Tolerations) != len(o.Tolerations) || len(s.Claims) != len(o.Claims) {
		return false
	}
	for i := range s.Tolerations {
		if s.Tolerations[i] != o.Tolerations[i] {
			return false
		}
	}
	for i := range s.Claims {
		if s.Claims[i] != o.Claims[i] {
			return false
		}
	}
	return true
}

// PodStatus is a pod's observed state.
type PodStatus struct {
	Phase PodPhase `json:"phase"`
	Ready bool     `json:"ready"`
	// Reason is a brief word on why the pod is in its phase: the kubelet's admission
	// rejection ("OutOfcpu", "OutOfpods").
	Reason string `json:"reason,omitempty"`
}

// Pod is a group of containers bound to one node.
type Pod struct {
	ObjectMeta `json:"metadata"`
	Spec       PodSpec   `json:"spec"`
	Status     PodStatus `json:"status"`
}

func (p *Pod) Kind() Kind        { return KindPod }
func (p *Pod) Meta() *ObjectMeta { return &p.ObjectMeta }
func (p *Pod) DeepCopy() Object {
	c := *p
	c.ObjectMeta = p.ObjectMeta.deepCopy()
	c.Spec = p.Spec.deepCopy()
	return &c
}

// SpecEqual ignores nodeName: binding a pod does not change its generation.
func (p *Pod) SpecEqual(o Object) bool {
	a, b := p.Spec, o.(*Pod).Spec
	a.NodeName, b.NodeName = "", ""
	return a.equal(&b)
}

// Active reports whether the pod counts towards its controller: not terminating and not
// finished (upstream's controller.IsPodActive).
func (p *Pod) Active() bool { return !p.Terminating() && !p.Finished() }

// Finished reports whether the pod is in a terminal phase, Succeeded or Failed.
func (p *Pod) Finished() bool { return p.Status.Phase == PodSucceeded || p.Status.Phase == PodFailed }

// PodTemplate is the pod a controller stamps out.
type PodTemplate struct {
	Labels Labels  `json:"labels"`
	Spec   PodSpec `json:"spec"`
}

func (t PodTemplate) deepCopy() PodTemplate {
	t.Labels = append(Labels(nil), t.Labels...)
	t.Spec = t.Spec.deepCopy()
	return t
}

// Equal compares two templates.
func (t *PodTemplate) Equal(o *PodTemplate) bool {
	return t.Labels.Equal(o.Labels) && t.Spec.equal(&o.Spec)
}

// ReplicaSet keeps a number of identical pods running.
type ReplicaSet struct {
	ObjectMeta `json:"metadata"`
	Spec       ReplicaSetSpec   `json:"spec"`
	Status     ReplicaSetStatus `json:"status"`
}

// ReplicaSetSpec is the desired count, the selector and the template.
type ReplicaSetSpec struct {
	Replicas int64       `json:"replicas"`
	Selector Labels      `json:"selector"`
	Template PodTemplate `json:"template"`
}

// ReplicaSetStatus is what the controller last observed.
type ReplicaSetStatus struct {
	Replicas             int64 `json:"replicas"`
	FullyLabeledReplicas int64 `json:"fullyLabeledReplicas"`
	ReadyReplicas        int64 `json:"readyReplicas"`
	AvailableReplicas    int64 `json:"availableReplicas"`
	ObservedGeneration   int64 `json:"observedGeneration"`
}

func (r *ReplicaSet) Kind() Kind        { return KindReplicaSet }
func (r *ReplicaSet) Meta() *ObjectMeta { return &r.ObjectMeta }
func (r *ReplicaSet) DeepCopy() Object {
	c := *r
	c.ObjectMeta = r.ObjectMeta.deepCopy()
	c.Spec.Selector = append(Labels(nil), r.Spec.Selector...)
	c.Spec.Template = r.Spec.Template.deepCopy()
	return &c
}
func (r *ReplicaSet) SpecEqual(o Object) bool {
	s := o.(*ReplicaSet)
	return r.Spec.Replicas == s.Spec.Replicas && r.Spec.Selector.Equal(s.Spec.Selector) && r.Spec.Template.Equal(&s.Spec.Template)
}

func (m ObjectMeta) deepCopy() ObjectMeta {
	m.memo, m.memoOK = nil, true
	m.Labels = append(Labels(nil), m.Labels...)
	m.Annotations = append(Labels(nil), m.Annotations...)
	m.OwnerReferences = append([]OwnerReference(nil), m.OwnerReferences...)
	m.Finalizers = append([]string(nil), m.Finalizers...)
	return m
}

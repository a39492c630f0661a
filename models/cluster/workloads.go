package cluster

// The workload kinds below are declared with the fields their controllers (Deployment,
// StatefulSet, Job) and properties use.

// Deployment manages ReplicaSets for rolling updates.
type Deployment struct {
	ObjectMeta `json:"metadata"`
	Spec       DeploymentSpec   `json:"spec"`
	Status     DeploymentStatus `json:"status"`
}

// DeploymentSpec is the desired state of a Deployment.
type DeploymentSpec struct {
	Replicas             int64       `json:"replicas"`
	Selector             Labels      `json:"selector"`
	Template             PodTemplate `json:"template"`
	Strategy             string      `json:"strategy"` // RollingUpdate or Recreate
	MaxSurge             string      `json:"maxSurge,omitempty"`
	MaxUnavailable       string      `json:"maxUnavailable,omitempty"`
	MinReadySeconds      int64       `json:"minReadySeconds,omitempty"`
	RevisionHistoryLimit int64       `json:"revisionHistoryLimit"`
	Paused               bool        `json:"paused,omitempty"`
}

// DeploymentStatus is what the Deployment controller last observed.
type DeploymentStatus struct {
	Replicas            int64  `json:"replicas"`
	UpdatedReplicas     int64  `json:"updatedReplicas"`
	ReadyReplicas       int64  `json:"readyReplicas"`
	AvailableReplicas   int64  `json:"availableReplicas"`
	UnavailableReplicas int64  `json:"unavailableReplicas"`
	ObservedGeneration  int64  `json:"observedGeneration"`
	CollisionCount      int64  `json:"collisionCount,omitempty"`
	Available           bool   `json:"available"`
	Progressing         string `json:"progressing,omitempty"`
}

func (d *Deployment) Kind() Kind        { return KindDeployment }
func (d *Deployment) Meta() *ObjectMeta { return &d.ObjectMeta }
func (d *Deployment) DeepCopy() Object {
	c := *d
	c.ObjectMeta = d.ObjectMeta.deepCopy()
	c.Spec.Selector = append(Labels(nil), d.Spec.Selector...)
	c.Spec.Template = d.Spec.Template.deepCopy()
	return &c
}
func (d *Deployment) SpecEqual(o Object) bool {
	a, b := d.Spec, o.(*Deployment).Spec
	return a.Replicas == b.Replicas && a.Selector.Equal(b.Selector) && a.Template.Equal(&b.Template) &&
		a.Strategy == b.Strategy && a.MaxSurge == b.MaxSurge && a.MaxUnavailable == b.MaxUnavailable &&
		a.MinReadySeconds == b.MinReadySeconds && a.RevisionHistoryLimit == b.RevisionHistoryLimit && a.Paused == b.Paused
}

// StatefulSet runs pods with stable identities <name>-<ordinal>.
type StatefulSet struct {
	ObjectMeta `json:"metadata"`
	Spec       StatefulSetSpec   `json:"spec"`
	Status     StatefulSetStatus `json:"status"`
}

// StatefulSetSpec is the desired state of a StatefulSet.
type StatefulSetSpec struct {
	Replicas             int64       `json:"replicas"`
	Selector             Labels      `json:"selector"`
	Template             PodTemplate `json:"template"`
	PodManagementPolicy  string      `json:"podManagementPolicy"` // OrderedReady or Parallel
	UpdateStrategy       string      `json:"updateStrategy"`      // RollingUpdate or OnDelete
	Partition            int64       `json:"partition,omitempty"`
	VolumeClaimTemplates []string    `json:"volumeClaimTemplates,omitempty"`
	StartOrdinal         int64       `json:"startOrdinal,omitempty"`
	RevisionHistoryLimit int64       `json:"revisionHistoryLimit"`
}

// StatefulSetStatus is what the StatefulSet controller last observed.
type StatefulSetStatus struct {
	Replicas           int64  `json:"replicas"`
	ReadyReplicas      int64  `json:"readyReplicas"`
	AvailableReplicas  int64  `json:"availableReplicas"`
	CurrentReplicas    int64  `json:"currentReplicas"`
	UpdatedReplicas    int64  `json:"updatedReplicas"`
	CurrentRevision    string `json:"currentRevision,omitempty"`
	UpdateRevision     string `json:"updateRevision,omitempty"`
	ObservedGeneration int64  `json:"observedGeneration"`
}

func (s *StatefulSet) Kind() Kind        { return KindStatefulSet }
func (s *StatefulSet) Meta() *ObjectMeta { return &s.ObjectMeta }
func (s *StatefulSet) DeepCopy() Object {
	c := *s
	c.ObjectMeta = s.ObjectMeta.deepCopy()
	c.Spec.Selector = append(Labels(nil), s.Spec.Selector...)
	c.Spec.Template = s.Spec.Template.deepCopy()
	c.Spec.VolumeClaimTemplates = append([]string(nil), s.Spec.VolumeClaimTemplates...)
	return &c
}
func (s *StatefulSet) SpecEqual(o Object) bool {
	a, b := s.Spec, o.(*StatefulSet).Spec
	if len(a.VolumeClaimTemplates) != len(b.VolumeClaimTemplates) {
		return false
	}
	for i := range a.VolumeClaimTemplates {
		if a.VolumeClaimTemplates[i] != b.VolumeClaimTemplates[i] {
			return false
		}
	}
	return a.Replicas == b.Replicas && a.Selector.Equal(b.Selector) && a.Template.Equal(&b.Template) &&
		a.PodManagementPolicy == b.PodManagementPolicy && a.UpdateStrategy == b.UpdateStrategy &&
		a.Partition == b.Partition && a.StartOrdinal == b.StartOrdinal && a.RevisionHistoryLimit == b.RevisionHistoryLimit
}

// ControllerRevision stores a StatefulSet's pod template at one revision.
type ControllerRevision struct {
	ObjectMeta `json:"metadata"`
	Template   PodTemplate `json:"data"`
	Revision   int64       `json:"revision"`
}

func (r *ControllerRevision) Kind() Kind        { return KindControllerRevision }
func (r *ControllerRevision) Meta() *ObjectMeta { return &r.ObjectMeta }
func (r *ControllerRevision) DeepCopy() Object {
	c := *r
	c.ObjectMeta = r.ObjectMeta.deepCopy()
	c.Template = r.Template.deepCopy()
	return &c
}
func (r *ControllerRevision) SpecEqual(o Object) bool {
	s := o.(*ControllerRevision)
	return r.Revision == s.Revision && r.Template.Equal(&s.Template)
}

// PersistentVolumeClaim is a request for storage; here only its existence matters.
type PersistentVolumeClaim struct {
	ObjectMeta `json:"metadata"`
	Bound      bool `json:"bound"`
}

func (c *PersistentVolumeClaim) Kind() Kind        { return KindPersistentVolumeClaim }
func (c *PersistentVolumeClaim) Meta() *ObjectMeta { return &c.ObjectMeta }
func (c *PersistentVolumeClaim) DeepCopy() Object {
	d := *c
	d.ObjectMeta = c.ObjectMeta.deepCopy()
	return &d
}
func (c *PersistentVolumeClaim) SpecEqual(Object) bool { return true }

// Job runs pods to completion.
type Job struct {
	ObjectMeta `json:"metadata"`
	Spec       JobSpec   `json:"spec"`
	Status     JobStatus `json:"status"`
}

// JobSpec is the desired execution of a Job.
type JobSpec struct {
	Parallelism    int64       `json:"parallelism"`
	Completions    int64       `json:"completions"`
	CompletionMode string      `json:"completionMode"` // NonIndexed or Indexed
	BackoffLimit   int64       `json:"backoffLimit"`
	Suspend        bool        `json:"suspend,omitempty"`
	Selector       Labels      `json:"selector"`
	Template       PodTemplate `json:"template"`
}

// JobStatus is what the Job controller last observed.
type JobStatus struct {
	Active    int64  `json:"active"`
	Ready     int64  `json:"ready"`
	Succeeded int64  `json:"succeeded"`
	Failed    int64  `json:"failed"`
	Condition string `json:"condition,omitempty"` // Complete or Failed
	// UncountedSucceeded and UncountedFailed are the finished pods whose tracking finalizer is
	// being removed before they are added to the counts (upstream's uncountedTerminatedPods).
	UncountedSucceeded []UID `json:"uncountedSucceeded,omitempty"`
	UncountedFailed    []UID `json:"uncountedFailed,omitempty"`
	// CompletedIndexes are the succeeded indexes of an Indexed Job, ascending.
	CompletedIndexes   []int64 `json:"completedIndexes,omitempty"`
	ObservedGeneration int64   `json:"observedGeneration"`
}

func (j *Job) Kind() Kind        { return KindJob }
func (j *Job) Meta() *ObjectMeta { return &j.ObjectMeta }
func (j *Job) DeepCopy() Object {
	c := *j
	c.ObjectMeta = j.ObjectMeta.deepCopy()
	c.Spec.Selector = append(Labels(nil), j.Spec.Selector...)
	c.Spec.Template = j.Spec.Template.deepCopy()
	c.Status = j.Status.Clone()
	return &c
}

// Clone returns an independent copy.
func (s JobStatus) Clone() JobStatus {
	s.UncountedSucceeded = append([]UID(nil), s.UncountedSucceeded...)
	s.UncountedFailed = append([]UID(nil), s.UncountedFailed...)
	s.CompletedIndexes = append([]int64(nil), s.CompletedIndexes...)
	return s
}
func (j *Job) SpecEqual(o Object) bool {
	a, b := j.Spec, o.(*Job).Spec
	return a.Parallelism == b.Parallelism && a.Completions == b.Completions && a.CompletionMode == b.CompletionMode &&
		a.BackoffLimit == b.BackoffLimit && a.Suspend == b.Suspend && a.Selector.Equal(b.Selector) && a.Template.Equal(&b.Template)
}

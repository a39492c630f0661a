package cluster

func (n *Node) CopyStatus(from Object)          { n.Status = from.(*Node).Status }
func (p *Pod) CopyStatus(from Object)           { p.Status = from.(*Pod).Status }
func (r *ReplicaSet) CopyStatus(from Object)    { r.Status = from.(*ReplicaSet).Status }
func (d *Deployment) CopyStatus(from Object)    { d.Status = from.(*Deployment).Status }
func (s *StatefulSet) CopyStatus(from Object)   { s.Status = from.(*StatefulSet).Status }
func (r *ControllerRevision) CopyStatus(Object) {}
func (c *PersistentVolumeClaim) CopyStatus(from Object) {
	c.Bound = from.(*PersistentVolumeClaim).Bound
}
func (j *Job) CopyStatus(from Object) { j.Status = from.(*Job).Status.Clone() }

// Workload is an object that stamps out pods from a template: a ReplicaSet, a Deployment or
// a StatefulSet.
type Workload interface {
	Object
	DesiredReplicas() int64
	PodTemplate() PodTemplate
}

func (r *ReplicaSet) DesiredReplicas() int64   { return r.Spec.Replicas }
func (d *Deployment) DesiredReplicas() int64   { return d.Spec.Replicas }
func (s *StatefulSet) DesiredReplicas() int64  { return s.Spec.Replicas }
func (r *ReplicaSet) PodTemplate() PodTemplate { return r.Spec.Template }
func (d *Deployment) PodTemplate() PodTemplate { return d.Spec.Template }
func (s *StatefulSet) PodTemplate() PodTemplate {
	return s.Spec.Template
}

// Observer is an object whose status records the generation its controller last observed.
type Observer interface {
	Object
	ObservedGeneration() int64
}

func (r *ReplicaSet) ObservedGeneration() int64  { return r.Status.ObservedGeneration }
func (d *Deployment) ObservedGeneration() int64  { return d.Status.ObservedGeneration }
func (s *StatefulSet) ObservedGeneration() int64 { return s.Status.ObservedGeneration }
func (j *Job) ObservedGeneration() int64         { return j.Status.ObservedGeneration }

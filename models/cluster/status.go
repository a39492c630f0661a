package cluster

import "slices"

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

func (n *Node) ShallowCopy() Object                  { return shallow(n) }
func (p *Pod) ShallowCopy() Object                   { return shallow(p) }
func (r *ReplicaSet) ShallowCopy() Object            { return shallow(r) }
func (d *Deployment) ShallowCopy() Object            { return shallow(d) }
func (s *StatefulSet) ShallowCopy() Object           { return shallow(s) }
func (r *ControllerRevision) ShallowCopy() Object    { return shallow(r) }
func (c *PersistentVolumeClaim) ShallowCopy() Object { return shallow(c) }
func (j *Job) ShallowCopy() Object                   { return shallow(j) }

// shallow is a copy of the object o points to, its lists shared, with a memo of its own
// (Object.ShallowCopy).
func shallow[T any, P interface {
	*T
	Meta() *ObjectMeta
}](o P) P {
	c := *o
	p := P(&c)
	m := p.Meta()
	m.memo, m.memoOK = nil, true
	return p
}

func (n *Node) StatusDiffers(o Object) bool             { return n.Status != o.(*Node).Status }
func (p *Pod) StatusDiffers(o Object) bool              { return p.Status != o.(*Pod).Status }
func (r *ReplicaSet) StatusDiffers(o Object) bool       { return r.Status != o.(*ReplicaSet).Status }
func (d *Deployment) StatusDiffers(o Object) bool       { return d.Status != o.(*Deployment).Status }
func (s *StatefulSet) StatusDiffers(o Object) bool      { return s.Status != o.(*StatefulSet).Status }
func (r *ControllerRevision) StatusDiffers(Object) bool { return false }
func (c *PersistentVolumeClaim) StatusDiffers(o Object) bool {
	return c.Bound != o.(*PersistentVolumeClaim).Bound
}
func (j *Job) StatusDiffers(o Object) bool {
	a, b := j.Status, o.(*Job).Status
	return a.Active != b.Active || a.Ready != b.Ready || a.Succeeded != b.Succeeded || a.Failed != b.Failed ||
		a.Condition != b.Condition || a.ObservedGeneration != b.ObservedGeneration ||
		!slices.Equal(a.UncountedSucceeded, b.UncountedSucceeded) || !slices.Equal(a.UncountedFailed, b.UncountedFailed) ||
		!slices.Equal(a.CompletedIndexes, b.CompletedIndexes)
}

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

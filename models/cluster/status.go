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

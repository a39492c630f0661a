package oracle

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// add puts a workload object into its informer's cache.
func (f *fakeCluster) add(o runtime.Object) error {
	switch o := o.(type) {
	case *appsv1.ReplicaSet:
		return f.factory.Apps().V1().ReplicaSets().Informer().GetIndexer().Add(o)
	case *appsv1.Deployment:
		return f.factory.Apps().V1().Deployments().Informer().GetIndexer().Add(o)
	case *appsv1.StatefulSet:
		return f.factory.Apps().V1().StatefulSets().Informer().GetIndexer().Add(o)
	case *appsv1.ControllerRevision:
		return f.factory.Apps().V1().ControllerRevisions().Informer().GetIndexer().Add(o)
	case *corev1.PersistentVolumeClaim:
		return f.factory.Core().V1().PersistentVolumeClaims().Informer().GetIndexer().Add(o)
	case *batchv1.Job:
		return f.factory.Batch().V1().Jobs().Informer().GetIndexer().Add(o)
	}
	return fmt.Errorf("no informer for %T", o)
}

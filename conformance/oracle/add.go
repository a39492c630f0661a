package oracle

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

var corev1SchemeGV = appsv1.SchemeGroupVersion.WithKind("ReplicaSet")

// add puts a workload object into its informer's cache.
func (f *fakeCluster) add(o runtime.Object) error {
	switch o := o.(type) {
	case *appsv1.ReplicaSet:
		return f.factory.Apps().V1().ReplicaSets().Informer().GetIndexer().Add(o)
	}
	return fmt.Errorf("no informer for %T", o)
}

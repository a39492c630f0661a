package manager

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
)

// syncBuffer is a log the manager's goroutines write to.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// fakeCluster is a fake clientset that, as an API server does, names generated objects and
// counts revisions.
func fakeCluster(objs ...runtime.Object) *fake.Clientset {
	cs := fake.NewClientset(objs...)
	var rv atomic.Int64
	rv.Store(100)
	stamp := func(o runtime.Object) {
		if m, ok := o.(metav1.Object); ok {
			if m.GetName() == "" {
				m.SetName(m.GetGenerateName() + fmt.Sprintf("%05d", rv.Load()))
			}
			m.SetResourceVersion(fmt.Sprint(rv.Add(1)))
		}
	}
	cs.PrependReactor("create", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		if c, ok := a.(k8stesting.CreateAction); ok && a.GetSubresource() == "" {
			stamp(c.GetObject())
		}
		return false, nil, nil
	})
	cs.PrependReactor("update", "*", func(a k8stesting.Action) (bool, runtime.Object, error) {
		stamp(a.(k8stesting.UpdateAction).GetObject())
		return false, nil, nil
	})
	return cs
}

// The ReplicaSet controller, run by the manager on informers of a fake cluster, creates the
// missing pods (each once: it waits to see its own writes), writes the status, logs each write
// in the checker's words, and stops cleanly when its context ends.
func TestManagerRunsTheReplicaSetController(t *testing.T) {
	rs := &appsv1.ReplicaSet{ObjectMeta: metav1.ObjectMeta{Name: "web", Namespace: "demo", UID: "rs-uid", ResourceVersion: "10", Generation: 1},
		Spec: appsv1.ReplicaSetSpec{Replicas: new(int32(2)), Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "web", Image: "web:1"}}}}}}
	cs := fakeCluster(rs)
	var log syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, cs, Config{Namespace: "demo", Controllers: []string{"replicaset-controller"}, Log: &log, Name: "m", Resync: time.Second})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pods, _ := cs.CoreV1().Pods("demo").List(context.Background(), metav1.ListOptions{})
		got, _ := cs.AppsV1().ReplicaSets("demo").Get(context.Background(), "web", metav1.GetOptions{})
		if len(pods.Items) == 2 && got.Status.Replicas == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s: %d pods, status %+v\n%s", len(pods.Items), got.Status, log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // more rounds, which must find nothing to do
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the manager did not stop within 10 s of its context's end")
	}
	out := log.String()
	if n := strings.Count(out, "replicaset-controller read revision"); strings.Count(out, "and created pod web-") != 2 || n < 3 {
		t.Errorf("want two creates and a status write:\n%s", out)
	}
	for _, want := range []string{"m: started replicaset-controller in namespace demo", "(0 of 2 replicas exist)", "m: stopped"} {
		if !strings.Contains(out, want) {
			t.Errorf("the log lacks %q:\n%s", want, out)
		}
	}
	pods, _ := cs.CoreV1().Pods("demo").List(context.Background(), metav1.ListOptions{})
	if len(pods.Items) != 2 {
		t.Errorf("%d pods, want 2", len(pods.Items))
	}
}

// A configuration with an unknown controller or a negative count is refused before anything
// starts.
func TestConfigValidation(t *testing.T) {
	for _, c := range []Config{
		{Namespace: "demo", Controllers: []string{"frobnicator"}},
		{Namespace: "demo", Nodes: -1},
		{},
	} {
		if err := Run(context.Background(), fake.NewClientset(), c); err == nil {
			t.Errorf("%+v was accepted", c)
		}
	}
	if got := Names(); len(got) != 5 || got[0] != "replicaset-controller" || got[4] != "podgc" {
		t.Errorf("Names() = %q", got)
	}
}

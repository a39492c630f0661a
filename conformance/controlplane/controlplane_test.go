package controlplane

import (
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The control plane starts, serves the default namespace, and stops leaving no process.
func TestStartStop(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin, err := APIServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Start(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Stop) // Stop is idempotent
	cs, err := c.Client()
	if err != nil {
		t.Fatal(err)
	}
	ns, err := cs.CoreV1().Namespaces().Get(ctx, "default", metav1.GetOptions{})
	if err != nil || ns.Name != "default" {
		t.Fatalf("default namespace: %v", err)
	}
	groups := []int{c.procs[0].cmd.Process.Pid, c.procs[1].cmd.Process.Pid}
	for _, g := range groups {
		if !groupAlive(g) {
			t.Fatalf("process group %d is not running before Stop", g)
		}
	}
	c.Stop()
	for _, g := range groups {
		if groupAlive(g) {
			t.Errorf("process group %d still has a process after Stop", g)
		}
	}
}

package controlplane

import (
	"context"
	"net"
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

// TestStartRetriesATakenPort: a port picked free and taken before the API server binds it
// (here by the test, for the first pick of the API server's port) fails that attempt with
// "address already in use"; Start tries again with other ports.
func TestStartRetriesATakenPort(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	bin, err := APIServer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	pick, picks := freePort, 0
	defer func() { freePort = pick }()
	freePort = func() (int, error) {
		if picks++; picks == 3 { // the first attempt's API server port
			return taken.Addr().(*net.TCPAddr).Port, nil
		}
		return pick()
	}
	c, err := Start(ctx, bin)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Stop()
	if picks != 6 {
		t.Fatalf("%d ports picked, want 6 (two attempts)", picks)
	}
}

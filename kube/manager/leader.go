package manager

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
)

// Lease is the lock of leader election: a coordination.k8s.io Lease, with upstream
// kube-controller-manager's default durations (15 s lease, 10 s renew deadline, 2 s retry).
type Lease struct {
	Namespace string // "kube-system" if empty
	Name      string // "themelios-controller-manager" if empty
	Identity  string // this instance's; the host name and process ID if empty
}

// RunLeaderElected runs cfg's controllers while this instance holds the lease (client-go's
// leaderelection); it returns when ctx is done, or with an error when the lease is lost (as
// upstream's controller manager exits then).
func RunLeaderElected(ctx context.Context, cs kubernetes.Interface, cfg Config, l Lease) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if l.Namespace == "" {
		l.Namespace = "kube-system"
	}
	if l.Name == "" {
		l.Name = "themelios-controller-manager"
	}
	if l.Identity == "" {
		host, _ := os.Hostname()
		l.Identity = fmt.Sprintf("%s_%d", host, os.Getpid())
	}
	lock := &resourcelock.LeaseLock{LeaseMeta: metav1.ObjectMeta{Namespace: l.Namespace, Name: l.Name},
		Client: cs.CoordinationV1(), LockConfig: resourcelock.ResourceLockConfig{Identity: l.Identity}}
	m := &Manager{cfg: cfg}
	var (
		runErr  error
		lost    bool
		led     bool
		mu      sync.Mutex
		stopped bool
		running sync.WaitGroup // the controllers, started in a goroutine of le.Run
	)
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	le, err := leaderelection.NewLeaderElector(leaderelection.LeaderElectionConfig{
		Lock: lock, LeaseDuration: 15 * time.Second, RenewDeadline: 10 * time.Second, RetryPeriod: 2 * time.Second,
		ReleaseOnCancel: true, Name: l.Name,
		Callbacks: leaderelection.LeaderCallbacks{
			OnStartedLeading: func(ctx context.Context) {
				mu.Lock()
				if stopped {
					mu.Unlock()
					return
				}
				running.Add(1)
				led = true
				mu.Unlock()
				defer running.Done()
				m.logf("became the leader (lease %s/%s, identity %s)", l.Namespace, l.Name, l.Identity)
				runErr = Run(ctx, cs, cfg)
				cancel()
			},
			OnStoppedLeading: func() {
				// Stopped leading while the caller still wants to run: the lease was lost (or
				// the controllers stopped on an error, which runErr says).
				if parent.Err() == nil {
					lost = true
				}
				cancel()
			},
		},
	})
	if err != nil {
		return err
	}
	m.logf("waiting for the lease %s/%s as %s", l.Namespace, l.Name, l.Identity)
	le.Run(ctx)
	mu.Lock()
	stopped = true
	mu.Unlock()
	running.Wait()
	if !led {
		m.logf("stopped without having led")
	}
	if runErr != nil {
		return runErr
	}
	if lost && led {
		return fmt.Errorf("lost the lease %s/%s", l.Namespace, l.Name)
	}
	return nil
}

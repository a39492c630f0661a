// Package controlplane starts a real Kubernetes control plane for tests: etcd (Debian's
// etcd-server, /usr/bin/etcd) and kube-apiserver v1.34.3 built from this module, on loopback
// ports, with no controller-manager and no scheduler; Stop stops both and removes their files.
//
// The API server authenticates one bearer token as a member of system:masters and authorizes
// everything (AlwaysAllow); it serves on https://127.0.0.1:<port> with a self-signed
// certificate. The ServiceAccount admission plugin is off: nothing creates a namespace's
// default service account without a controller-manager, and pods would be refused without it.
package controlplane

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Version is the kube-apiserver version this package builds.
const Version = "v1.34.3"

// ControlPlane is a running etcd and kube-apiserver.
type ControlPlane struct {
	URL   string // https://127.0.0.1:<port>
	Token string // a bearer token of system:masters
	dir   string
	procs []proc // etcd first
}

// proc is a started process; done is closed once it has exited.
type proc struct {
	name string
	cmd  *exec.Cmd
	done chan struct{}
}

// Etcd is the etcd binary (Debian's etcd-server package); $ETCD overrides it.
func Etcd() string {
	if p := os.Getenv("ETCD"); p != "" {
		return p
	}
	return "/usr/bin/etcd"
}

// APIServer returns a kube-apiserver binary: $KUBE_APISERVER if set, else one built from this
// module (k8s.io/kubernetes v1.34.3) into the user's cache directory, rebuilt when the Go
// build cache says it is stale (a few seconds when it is not; about 3 minutes once on a warm
// module cache).
func APIServer(ctx context.Context) (string, error) {
	if p := os.Getenv("KUBE_APISERVER"); p != "" {
		return p, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	out := filepath.Join(cache, "themelios", "kube-apiserver-"+Version)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", out, "k8s.io/kubernetes/cmd/kube-apiserver")
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building kube-apiserver: %v\n%s", err, b)
	}
	return out, nil
}

// freePort returns a loopback port nothing listens on now (a variable: a test makes it give
// a taken port).
var freePort = func() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start starts etcd and kube-apiserver (binary apiserver) in a new temporary directory and
// waits until the API server is ready (at most two minutes). On an error everything started
// is stopped; the error carries the end of the failing process's log. A port that was free
// when picked may be taken before a process binds it (by another control plane of a test
// package run in parallel, or by any outgoing connection): Start then tries again with other
// ports, three times in all.
func Start(ctx context.Context, apiserver string) (*ControlPlane, error) {
	var err error
	for range 3 {
		var c *ControlPlane
		if c, err = start(ctx, apiserver); err == nil || !strings.Contains(err.Error(), "address already in use") {
			return c, err
		}
	}
	return nil, err
}

// start is one attempt of Start.
func start(ctx context.Context, apiserver string) (*ControlPlane, error) {
	dir, err := os.MkdirTemp("", "themelios-controlplane-")
	if err != nil {
		return nil, err
	}
	c := &ControlPlane{dir: dir, Token: "themelios-conformance"}
	fail := func(err error) (*ControlPlane, error) {
		c.Stop()
		return nil, err
	}
	var ports [3]int
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return fail(err)
		}
	}
	client, peer := "http://127.0.0.1:"+strconv.Itoa(ports[0]), "http://127.0.0.1:"+strconv.Itoa(ports[1])
	if err := c.spawn("etcd", Etcd(), "--name", "themelios", "--data-dir", filepath.Join(dir, "etcd"),
		"--listen-client-urls", client, "--advertise-client-urls", client,
		"--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", "themelios="+peer,
		"--log-level", "warn"); err != nil {
		return fail(err)
	}
	if err := c.keys(); err != nil {
		return fail(err)
	}
	c.URL = "https://127.0.0.1:" + strconv.Itoa(ports[2])
	if err := c.spawn("kube-apiserver", apiserver, "--etcd-servers", client,
		"--bind-address", "127.0.0.1", "--advertise-address", "127.0.0.1", "--secure-port", strconv.Itoa(ports[2]),
		"--cert-dir", filepath.Join(dir, "certs"),
		"--service-account-key-file", filepath.Join(dir, "sa.pub"),
		"--service-account-signing-key-file", filepath.Join(dir, "sa.key"),
		"--service-account-issuer", "https://kubernetes.default.svc",
		"--token-auth-file", filepath.Join(dir, "tokens.csv"),
		"--authorization-mode", "AlwaysAllow",
		"--service-cluster-ip-range", "10.0.0.0/24",
		"--disable-admission-plugins", "ServiceAccount",
		"--enable-priority-and-fairness=false"); err != nil {
		return fail(err)
	}
	if err := c.ready(ctx, 2*time.Minute); err != nil {
		return fail(err)
	}
	return c, nil
}

// keys writes the service-account key pair and the token file.
func (c *ControlPlane) keys() error {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return err
	}
	files := map[string][]byte{
		"sa.key":     pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}),
		"sa.pub":     pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}),
		"tokens.csv": []byte(c.Token + ",themelios,1,system:masters\n"),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(c.dir, name), b, 0o600); err != nil {
			return err
		}
	}
	return nil
}

// spawn starts a process in its own process group, its output in <name>.log.
func (c *ControlPlane) spawn(name, bin string, args ...string) error {
	log, err := os.Create(filepath.Join(c.dir, name+".log"))
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return fmt.Errorf("starting %s: %v", name, err)
	}
	p := proc{name: name, cmd: cmd, done: make(chan struct{})}
	c.procs = append(c.procs, p)
	go func() {
		_ = cmd.Wait()
		log.Close()
		close(p.done)
	}()
	return nil
}

// ready polls /readyz until it answers 200.
func (c *ControlPlane) ready(ctx context.Context, limit time.Duration) error {
	hc := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		for _, p := range c.procs {
			select {
			case <-p.done:
				return fmt.Errorf("%s exited: %s", p.name, c.Log(p.name))
			default:
			}
		}
		req, _ := http.NewRequestWithContext(ctx, "GET", c.URL+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+c.Token)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return errors.New("kube-apiserver not ready after " + limit.String() + ": " + c.Log("kube-apiserver"))
}

// Log returns the last 2,000 bytes of a process's log ("etcd" or "kube-apiserver").
func (c *ControlPlane) Log(name string) string {
	b, _ := os.ReadFile(filepath.Join(c.dir, name+".log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// Config is a client configuration for the API server.
func (c *ControlPlane) Config() *rest.Config {
	return &rest.Config{Host: c.URL, BearerToken: c.Token, TLSClientConfig: rest.TLSClientConfig{Insecure: true}, QPS: 1000, Burst: 1000}
}

// Kubeconfig writes a kubeconfig file for the API server at path (its context's namespace
// is ns, "" for default), for commands such as kubectl and themelios.
func (c *ControlPlane) Kubeconfig(path, ns string) error {
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["themelios"] = &clientcmdapi.Cluster{Server: c.URL, InsecureSkipTLSVerify: true}
	cfg.AuthInfos["themelios"] = &clientcmdapi.AuthInfo{Token: c.Token}
	cfg.Contexts["themelios"] = &clientcmdapi.Context{Cluster: "themelios", AuthInfo: "themelios", Namespace: ns}
	cfg.CurrentContext = "themelios"
	return clientcmd.WriteToFile(*cfg, path)
}

// Client is a clientset for the API server.
func (c *ControlPlane) Client() (kubernetes.Interface, error) {
	return kubernetes.NewForConfig(c.Config())
}

// Stop stops the API server, then etcd (SIGTERM to each process group, SIGKILL after 10 s),
// and removes the files. It may be called more than once.
func (c *ControlPlane) Stop() {
	for i := len(c.procs) - 1; i >= 0; i-- {
		p := c.procs[i]
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	}
	c.procs = nil
	if c.dir != "" {
		os.RemoveAll(c.dir)
		c.dir = ""
	}
}

// groupAlive reports whether process group pgid still has a process (signal 0 is delivered
// to none, it only checks).
func groupAlive(pgid int) bool {
	return syscall.Kill(-pgid, 0) != syscall.ESRCH
}

package oracle_test

import (
	"flag"
	"io"

	"k8s.io/klog/v2"
)

// Upstream's controllers log through klog; the oracles' reports are what matters here.
func init() {
	fs := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(fs)
	_ = fs.Set("logtostderr", "false")
	_ = fs.Set("alsologtostderr", "false")
	_ = fs.Set("stderrthreshold", "FATAL")
	klog.SetOutput(io.Discard)
}

package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/go-rod/rod/lib/proto"

	sitehttp "github.com/themelios/themelios/app/site"
)

// throughput is the emulated download bandwidth of the page-weight measurement: 20 Mbit/s.
const throughput = 20e6 / 8 // bytes per second

// pageWeight prints the site's WebAssembly sizes (raw and gzip) and, for a first visit to the
// playground in headless Chromium with the network throttled to 20 Mbit/s (20 ms latency): the
// bytes transferred, the time until the page is usable (go-app's loader gone: the UI runs) and
// until the first verdict of the 59848 card (the checker's worker loaded and the check done).
func pageWeight(site string) error {
	fmt.Println("\nPage weight (make site; gzip -9, and brotli at quality 6, which themelios serve sends first, then at 11):")
	fmt.Println()
	fmt.Println("| file | raw, MB | gzip, MB | brotli 6, MB |")
	fmt.Println("|---|---:|---:|---:|")
	for _, f := range []string{"app.wasm", "worker.wasm", "viz-global.js"} {
		data, err := os.ReadFile(filepath.Join(site, "web", f))
		if err != nil {
			return err
		}
		var z bytes.Buffer
		w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		w.Write(data)
		w.Close()
		br := "-"
		if strings.HasSuffix(f, ".wasm") {
			b, err := sitehttp.Brotli(data, sitehttp.FastQuality)
			if err != nil {
				return err
			}
			br = fmt.Sprintf("%.1f", float64(len(b))/1e6)
		}
		fmt.Printf("| %s | %.1f | %.1f | %s |\n", f, float64(len(data))/1e6, float64(z.Len())/1e6, br)
	}
	base, b, done, err := chromium(site)
	if err != nil {
		return err
	}
	defer done()
	page := b.MustPage("").Timeout(5 * time.Minute)
	if err := (proto.NetworkEnable{}).Call(page); err != nil {
		return err
	}
	if err := (proto.NetworkEmulateNetworkConditions{Latency: 20, DownloadThroughput: throughput, UploadThroughput: throughput / 4}).Call(page); err != nil {
		return err
	}
	var mu sync.Mutex
	var transferred float64
	go page.EachEvent(func(e *proto.NetworkLoadingFinished) {
		mu.Lock()
		transferred += e.EncodedDataLength
		mu.Unlock()
	})()
	start := time.Now()
	page.MustNavigate(base + "/")
	// The prerendered page shows the cards before its loader is parsed (the loader comes last),
	// so the page counts as usable only once it is parsed whole and go-app removed the loader.
	for !page.MustEval(`() => document.readyState !== "loading" && !document.getElementById("app-wasm-loader") && !!document.querySelector("#card-59848")`).Bool() {
		time.Sleep(20 * time.Millisecond)
	}
	usable := time.Since(start)
	page.MustElement("#card-59848").MustClick()
	page.MustElement("#trace-title")
	verdict := time.Since(start)
	mu.Lock()
	total := transferred
	mu.Unlock()
	fmt.Printf("\nA first visit at 20 Mbit/s (20 ms latency), headless Chromium, themelios serve's compression: %.1f MB transferred; usable after %.2f s (goal ≤ 3 s); the 59848 card's verdict after %.2f s.\n",
		total/1e6, usable.Seconds(), verdict.Seconds())
	return nil
}

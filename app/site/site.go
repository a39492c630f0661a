// Package site serves the playground's built static site (make site) over HTTP, as Netlify
// would: for themelios serve, the browser tests and the benchmark.
package site

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzhttp"
)

// Server serves a built site (Handler).
type Server struct {
	dir   string
	gzip  http.Handler
	mu    sync.Mutex       // guards brs
	brs   []*precompressed // the WebAssembly, brotli-compressed in the background
	ready chan struct{}    // closed once every one of them is (at the best quality asked for)
}

// Brotli qualities: fast is about a second per 10 MB here and 15% smaller than gzip -9 on the
// playground's WebAssembly; best (11, the smallest) about 40 s for app.wasm and 14% smaller
// than fast.
const (
	FastQuality = 6
	BestQuality = 11
)

// Handler serves a built site as Netlify does: files as they are (WebAssembly as
// application/wasm), compressed for a client that accepts it, the site's pages without their
// .html, and index.html for any other path without an extension (the single-page app's
// routes). Nothing is cached across builds.
//
// Compression: the WebAssembly (web/*.wasm) is compressed with brotli in the background from
// the start (a few seconds of CPU, once per file version in the process, shared by every
// Server), and served so to a client that accepts br once it is; everything else, and the
// WebAssembly until then, with gzip for a client that accepts it. A file built anew while the
// server runs is compressed again (at the fast quality) when first asked for. With best, it is then
// compressed again at brotli's best quality (tens of seconds of one core and a few hundred MB
// while it runs: themelios serve and the benchmark's first visit, not the tests), which
// replaces the first once done.
func Handler(dir string, best bool) *Server {
	s := &Server{dir: dir, gzip: gzhttp.GzipHandler(handler(dir)), ready: make(chan struct{})}
	wasm, _ := filepath.Glob(filepath.Join(dir, "web", "*.wasm"))
	for _, f := range wasm {
		s.brs = append(s.brs, compressedFile(f, FastQuality))
	}
	go func() {
		for _, p := range s.brs {
			<-p.done
		}
		if best {
			for i, p := range s.brs { // one at a time: one core, bounded memory
				b := compressedFile(p.file, BestQuality)
				<-b.done
				if b.err == nil && b.size == p.size && b.modTime.Equal(p.modTime) {
					s.replaceBrotli(i, p, b)
				}
			}
		}
		close(s.ready)
	}()
	return s
}

// replaceBrotli replaces the WebAssembly's i-th compression, if it is still old (a file built
// anew may have replaced it meanwhile).
func (s *Server) replaceBrotli(i int, old, p *precompressed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.brs[i] == old {
		s.brs[i] = p
	}
}

// Compressed waits until the WebAssembly is brotli-compressed (or the timeout passes), and
// reports whether it is: a measurement of a first visit waits for it.
func (s *Server) Compressed(timeout time.Duration) bool {
	select {
	case <-s.ready:
		return true
	case <-time.After(timeout):
		return false
	}
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if (r.Method == http.MethodGet || r.Method == http.MethodHead) && acceptsBrotli(r.Header.Get("Accept-Encoding")) {
		p := path.Clean("/" + r.URL.Path)
		s.mu.Lock()
		brs := slices.Clone(s.brs)
		s.mu.Unlock()
		for i, c := range brs {
			if c.urlPath(s.dir) != p {
				continue
			}
			if c.serve(w, r) {
				return
			}
			if c.stale() { // built anew: compressed again, gzip meanwhile
				s.replaceBrotli(i, c, compressedFile(c.file, FastQuality))
			}
		}
	}
	s.gzip.ServeHTTP(w, r)
}

// acceptsBrotli reports whether an Accept-Encoding header offers br (with a quality above 0).
func acceptsBrotli(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == "br" {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// precompressed is one version of a file, brotli-compressed.
type precompressed struct {
	file    string
	size    int64
	modTime time.Time
	done    chan struct{} // closed when data (or err) is set
	data    []byte
	err     error
}

// stale reports whether the file on disk is no longer the version compressed (the site was
// built anew, or it is gone).
func (p *precompressed) stale() bool {
	st, err := os.Stat(p.file)
	return err != nil || st.Size() != p.size || !st.ModTime().Equal(p.modTime)
}

// urlPath is the file's path on the site.
func (p *precompressed) urlPath(dir string) string {
	rel, _ := filepath.Rel(dir, p.file)
	return "/" + filepath.ToSlash(rel)
}

// serve writes the compressed file, if it is compressed and still the file on disk.
func (p *precompressed) serve(w http.ResponseWriter, r *http.Request) bool {
	select {
	case <-p.done:
	default:
		return false // not yet: gzip meanwhile
	}
	if p.err != nil || p.stale() {
		return false
	}
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	h.Set("Content-Type", mime.TypeByExtension(filepath.Ext(p.file)))
	h.Set("Content-Encoding", "br")
	h.Add("Vary", "Accept-Encoding")
	http.ServeContent(w, r, "", p.modTime, bytes.NewReader(p.data))
	return true
}

var (
	compressedMu sync.Mutex
	compressed   = map[string]*precompressed{} // by file, size and modification time
)

// compressedFile returns the file's brotli compression at quality q, started in the
// background if no Server of the process has started it for this version of the file.
func compressedFile(file string, q int) *precompressed {
	p := &precompressed{file: file, done: make(chan struct{})}
	st, err := os.Stat(file)
	if err != nil {
		p.err = err
		close(p.done)
		return p
	}
	p.size, p.modTime = st.Size(), st.ModTime()
	key := fmt.Sprintf("%s\x00%d\x00%d\x00%d", file, p.size, p.modTime.UnixNano(), q)
	compressedMu.Lock()
	defer compressedMu.Unlock()
	if q, ok := compressed[key]; ok {
		return q
	}
	compressed[key] = p
	go func() {
		defer close(p.done)
		data, err := os.ReadFile(file)
		if err != nil {
			p.err = err
			return
		}
		p.data, p.err = Brotli(data, q)
	}()
	return p
}

// Brotli compresses data at quality q (FastQuality, BestQuality) with a 16 MiB window, as the
// server sends the WebAssembly.
func Brotli(data []byte, q int) ([]byte, error) {
	var b bytes.Buffer
	zw := brotli.NewWriterOptions(&b, brotli.WriterOptions{Quality: q, LGWin: 24})
	zw.Write(data)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// handler is Handler without the compression.
func handler(dir string) http.Handler {
	mime.AddExtensionType(".wasm", "application/wasm")
	files := http.FileServer(http.Dir(dir))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := path.Clean("/" + r.URL.Path)
		w.Header().Set("Cache-Control", "no-cache")
		if p != "/" && path.Ext(p) == "" {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p)+".html")); err == nil {
				r.URL.Path = p + ".html"
			} else if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
				r.URL.Path = "/"
			}
		}
		if strings.HasSuffix(r.URL.Path, ".html") && r.URL.Path != "/index.html" {
			http.ServeFile(w, r, filepath.Join(dir, filepath.FromSlash(path.Clean(r.URL.Path))))
			return
		}
		files.ServeHTTP(w, r)
	})
}

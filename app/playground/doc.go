// Package playground is the playground's user interface: go-app components that let a person
// pick a scenario, set its parameters and faults, run a bounded check in a Web Worker, and step
// through the counterexample. It builds natively too (the site is prerendered, and the
// components are tested with go-app's test engine); browser-only code is in *_wasm.go files.
package playground

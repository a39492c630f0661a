//go:build !(js && wasm)

package playground

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// copyLink shows the permalink (natively there is no address bar or clipboard).
func (p *Playground) copyLink(app.Context) { p.link = "/#" + p.Link() }

// fragment is empty natively.
func fragment() string { return "" }

// pushFragment does nothing natively.
func pushFragment(string) {}

// setFragment does nothing natively.
func setFragment(string) {}

// onFragment does nothing natively: there is no address bar.
func onFragment(app.Context, func(app.Context, string)) {}

//go:build !(js && wasm)

package playground

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// copyLink shows the permalink (natively there is no address bar or clipboard).
func (p *Playground) copyLink(app.Context) { p.link = "/#" + p.Link() }

// fragment is empty natively.
func fragment() string { return "" }

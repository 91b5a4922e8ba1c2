// Package widget serves kefu's embeddable chat widget, built from the
// JavaScript and CSS under src/ into dist/, which it embeds.
//
// The widget has three parts:
//
//   - the loader, served at the stable URL /widget.js, which site owners paste
//     into their pages. It draws only the "联系客服" bubble, inside a closed
//     shadow root, and defines the one global, kefu;
//   - the chat panel, a page at /chat/{site} that the loader shows in an
//     iframe on first interaction and that also works as a standalone,
//     shareable page;
//   - the panel's script, stylesheet and one string table per language,
//     served under AssetPrefix with content-hashed names.
//
// widget/bundler bundles and minifies the sources with esbuild's Go API, so
// no Node.js is needed, when a developer runs go generate ./widget; the
// binary neither links esbuild nor spends memory and start time on it.
// TestDistIsUpToDate fails when dist/ no longer matches src/. The server
// calls Load once at startup and only mounts the result: Bundle.Loader at
// LoaderPath, Bundle.FS under AssetPrefix, and Bundle.ChatPage at ChatPath.
package widget

//go:generate go run ./gen

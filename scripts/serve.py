#!/usr/bin/env python3
"""Serves www/ for the loopbridge demo and page tests.

Bound to loopback only; sends application/wasm for .wasm, the COOP/COEP
headers that make the page cross-origin isolated (SharedArrayBuffer), and a
strict Content-Security-Policy. Serves only files under www/. Ctrl-C stops it.

    python3 scripts/serve.py [--port 8080] [--no-isolation] [--root DIR]

(--root serves another folder with the same headers: the examples' tests.)
"""

import argparse
import functools
import http.server
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "www")

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
])


class Handler(http.server.SimpleHTTPRequestHandler):
    isolated = True
    extensions_map = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".wasm": "application/wasm",
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".json": "application/json",
        ".svg": "image/svg+xml",
    }

    def end_headers(self):
        if self.isolated:
            self.send_header("Cross-Origin-Opener-Policy", "same-origin")
            self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def translate_path(self, path):
        # SimpleHTTPRequestHandler already drops '..' segments; refuse
        # anything that would still resolve outside www/ (symlinks included),
        # and names no file can have (a NUL byte).
        translated = super().translate_path(path)
        if "\0" in translated:
            return os.path.join(os.path.realpath(self.directory), "__no_such_file__")
        resolved = os.path.realpath(translated)
        root = os.path.realpath(self.directory)
        if resolved != root and not resolved.startswith(root + os.sep):
            return os.path.join(root, "__outside_www__")
        return resolved

    def handle(self):
        # A client that goes away mid-answer (a terminated worker, a closed
        # tab) is not an error worth a traceback.
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, format, *args):
        if os.environ.get("LOOPBRIDGE_QUIET") != "1":
            super().log_message(format, *args)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--no-isolation", action="store_true",
                        help="omit COOP/COEP (to try the non-isolated fallback)")
    parser.add_argument("--root", default=None,
                        help="serve this folder instead of www/ (same headers)")
    args = parser.parse_args()

    root = args.root or ROOT
    if args.root is None and not os.path.exists(os.path.join(ROOT, "pkg", "loopbridge.js")):
        print("www/pkg is missing: build it first with `make build`.", file=sys.stderr)
        return 1
    Handler.isolated = not args.no_isolation
    handler = functools.partial(Handler, directory=os.path.realpath(root))
    http.server.ThreadingHTTPServer.allow_reuse_address = True
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    except OSError as error:
        print(f"cannot listen on 127.0.0.1:{args.port}: {error.strerror}", file=sys.stderr)
        return 1
    port = server.server_address[1]
    print(f"loopbridge demo: http://127.0.0.1:{port}/  (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        try:
            print("\nstopped.", flush=True)
        except OSError:
            pass  # whoever read our output has gone
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

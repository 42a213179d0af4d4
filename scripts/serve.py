#!/usr/bin/env python3
"""Serves www/ for the loopbridge demo and page tests.

Bound to loopback only; sends application/wasm for .wasm, the COOP/COEP
headers that make the page cross-origin isolated (SharedArrayBuffer), and a
strict Content-Security-Policy. Serves only files under www/. Text and wasm
go gzip-compressed to a client that accepts it; every answer may be cached
but is revalidated each time (Cache-Control: no-cache, with an ETag), which
keeps a rebuilt file fresh and lets the browser keep the page in its
back/forward cache (no-store would not). Ctrl-C stops it.

    python3 scripts/serve.py [--port 8080] [--no-isolation] [--root DIR]
                             [--no-store]

(--root serves another folder with the same headers: the examples' tests;
--no-store forbids caching, for start-up benchmarks that must load cold.)
"""

import argparse
import email.utils
import functools
import gzip
import http.server
import io
import os
import sys
import threading

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


# What is worth compressing (images and fonts are compressed already).
COMPRESSIBLE = {
    "text/html", "text/javascript", "text/css", "text/plain", "text/markdown",
    "application/json", "application/wasm", "image/svg+xml",
}


def accepts_gzip(header):
    """Whether an Accept-Encoding header allows gzip (not refused with q=0)."""
    for part in (header or "").split(","):
        name, _, params = part.strip().partition(";")
        if name.strip().lower() in ("gzip", "*"):
            q = params.strip().lower()
            return not (q.startswith("q=") and float(q[2:] or 0) == 0)
    return False


class Handler(http.server.SimpleHTTPRequestHandler):
    isolated = True
    cache_control = "no-cache"
    # Compressed bodies by (path, mtime, size): a rebuilt file is compressed anew.
    gzipped = {}
    gzipped_lock = threading.Lock()
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
        self.send_header("Cache-Control", self.cache_control)
        self.send_header("Vary", "Accept-Encoding")
        super().end_headers()

    def send_head(self):
        """A file as gzip for a client that accepts it; the rest as before."""
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].split("#", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        content_type = self.guess_type(path)
        if (not accepts_gzip(self.headers.get("Accept-Encoding"))
                or content_type.split(";")[0] not in COMPRESSIBLE
                or not os.path.isfile(path)):
            return super().send_head()
        stat = os.stat(path)
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}-gzip"'
        if etag in [tag.strip() for tag in self.headers.get("If-None-Match", "").split(",")]:
            self.send_response(http.HTTPStatus.NOT_MODIFIED)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        body = self.compressed(path, stat)
        self.send_response(http.HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", email.utils.formatdate(stat.st_mtime, usegmt=True))
        self.send_header("ETag", etag)
        self.end_headers()
        return io.BytesIO(body)

    def compressed(self, path, stat):
        key = (path, stat.st_mtime_ns, stat.st_size)
        with self.gzipped_lock:
            body = self.gzipped.get(key)
        if body is None:
            with open(path, "rb") as file:
                body = gzip.compress(file.read(), compresslevel=6, mtime=0)
            with self.gzipped_lock:
                for stale in [k for k in self.gzipped if k[0] == path]:
                    del self.gzipped[stale]
                self.gzipped[key] = body
        return body

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
    parser.add_argument("--no-store", action="store_true",
                        help="forbid caching (Cache-Control: no-store), to measure cold loads")
    args = parser.parse_args()

    root = args.root or ROOT
    if args.root is None and not os.path.exists(os.path.join(ROOT, "pkg", "loopbridge.js")):
        print("www/pkg is missing: build it first with `make build`.", file=sys.stderr)
        return 1
    Handler.isolated = not args.no_isolation
    Handler.cache_control = "no-store" if args.no_store else "no-cache"
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

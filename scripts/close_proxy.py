#!/usr/bin/env python3
"""An HTTP proxy for the wasm-bindgen-test pages (Chromium and Firefox): it forwards each
request to the runner's server on a connection of its own, closed after the
response.

Why: the runner's server (tiny_http 0.12) hands each connection to a thread
pool that can lose a wake-up when several connections open at once; a
connection left waiting in its queue is served only when another keep-alive
connection closes, which a browser does not do while the page loads. The page
then stays at "Loading scripts..." (one run in two on a 2-core machine).
Connections that close after one response free their thread at once.

Prints the port it listens on, then serves until killed.
"""
import http.client
import http.server
import sys
from urllib.parse import urlsplit

HOP_BY_HOP = {'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer'}


class Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def forward(self):
        target = urlsplit(self.path)
        if target.hostname not in ('127.0.0.1', 'localhost') or not target.port:
            self.send_error(403, 'only the local test server')
            return
        length = int(self.headers.get('content-length') or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        headers['Connection'] = 'close'
        upstream = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        try:
            path = target.path + (f'?{target.query}' if target.query else '')
            upstream.request(self.command, path or '/', body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
        except OSError as error:
            self.send_error(502, str(error))
            return
        finally:
            upstream.close()
        self.send_response(response.status, response.reason)
        for key, value in response.getheaders():
            if key.lower() not in HOP_BY_HOP and key.lower() != 'content-length':
                self.send_header(key, value)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        if self.command != 'HEAD':
            self.wfile.write(data)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = forward

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Forward)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()

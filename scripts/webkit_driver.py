#!/usr/bin/env python3
"""WebKitGTK's WebKitWebDriver for wasm-bindgen-test-runner (as SAFARIDRIVER_REMOTE).

The runner drives "Safari" with empty capabilities, while WebKitWebDriver
must be told which browser to start: this starts the driver (under xvfb-run:
MiniBrowser has no headless mode) and a small reverse proxy in front of it
that puts MiniBrowser into the new-session request. With a port argument,
MiniBrowser's traffic goes through that HTTP proxy (scripts/close_proxy.py).

Prints the proxy's port, then serves until killed (the driver with it).
"""
import glob
import http.client
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import time

# Debian's webkit2gtk-driver brings it: /usr/lib/<multiarch triplet>/webkit2gtk-4.1/.
MINIBROWSERS = glob.glob('/usr/lib/*/webkit2gtk-4.1/MiniBrowser')
if not MINIBROWSERS:
    sys.exit('webkit_driver.py: no MiniBrowser (install webkit2gtk-driver: scripts/setup.sh --test)')
MINIBROWSER = MINIBROWSERS[0]


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


driver_port = free_port()
driver = subprocess.Popen(
    ['xvfb-run', '-a', 'WebKitWebDriver', f'--port={driver_port}'],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def stop(*_):
    try:
        os.killpg(driver.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    sys.exit(0)


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)

for _ in range(300):
    if driver.poll() is not None:
        sys.exit(f'webkit_driver.py: WebKitWebDriver exited with {driver.returncode}')
    try:
        socket.create_connection(('127.0.0.1', driver_port), timeout=1).close()
        break
    except OSError:
        time.sleep(0.1)
else:
    stop()
    sys.exit('webkit_driver.py: WebKitWebDriver did not listen within 30 s')

capabilities = {'webkitgtk:browserOptions': {'binary': MINIBROWSER, 'args': ['--automation']}}
if len(sys.argv) > 1:
    capabilities['proxy'] = {'proxyType': 'manual', 'httpProxy': f'127.0.0.1:{sys.argv[1]}'}


class Forward(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def forward(self):
        length = int(self.headers.get('content-length') or 0)
        body = self.rfile.read(length) if length else b''
        if self.command == 'POST' and self.path.rstrip('/') == '/session':
            body = json.dumps({'capabilities': {'alwaysMatch': capabilities}}).encode()
        upstream = http.client.HTTPConnection('127.0.0.1', driver_port, timeout=600)
        try:
            upstream.request(self.command, self.path, body=body or None,
                             headers={'Content-Type': 'application/json'})
            response = upstream.getresponse()
            data = response.read()
        finally:
            upstream.close()
        self.send_response(response.status, response.reason)
        self.send_header('Content-Type', response.getheader('Content-Type', 'application/json'))
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = forward

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Forward)
server.daemon_threads = True
print(server.server_address[1], flush=True)
try:
    server.serve_forever()
finally:
    stop()

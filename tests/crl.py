"""A CRL distribution point over HTTP on 127.0.0.1, for tests and `make bench`: it hands out the TEST PKI's
revocation list (arrangementen.pki.publish_crl) as it is on disk at each request, so a test can revoke a
certificate while the server runs. Started before the PKI is made, because the certificates carry its URL."""

import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CRL_PATH = "/test-ca.crl"


@contextmanager
def running_crl(directory: Path):
    """Yields (url of the list, server); the list is read from `directory`/test-ca.crl. Stops afterwards."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's naming
            crl = directory / CRL_PATH.lstrip("/")
            if self.path != CRL_PATH or not crl.exists():
                self.send_error(404)
                return
            body = crl.read_bytes()
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/pkix-crl")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        server.requests = requests
        yield f"http://127.0.0.1:{server.server_address[1]}{CRL_PATH}", server
    finally:
        server.shutdown()
        server.server_close()

"""A real RFC 3161 timestamp authority over HTTP on 127.0.0.1, for tests: pyHanko's dummy TSA logic
signs with the TEST PKI's TSA certificate; the product talks to it through its ordinary HTTP client."""

import threading
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12


def _load_tsa(test_pki):
    key, cert, _extra = pkcs12.load_key_and_certificates(test_pki.p12("tsa").read_bytes(),
                                                          test_pki.passphrase.encode())
    return (
        asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)),
        asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
    )


@contextmanager
def running_tsa(test_pki):
    """Yields the URL of a timestamp server on a free loopback port; stops it afterwards."""
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    cert, key = _load_tsa(test_pki)
    stamper = DummyTimeStamper(tsa_cert=cert, tsa_key=key)
    requests = []
    durations = []  # seconds spent answering each request (the benchmark reports the TSA's share)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            start = time.perf_counter()
            response = stamper.request_tsa_response(tsp.TimeStampReq.load(body)).dump()
            durations.append(time.perf_counter() - start)
            requests.append(len(body))
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(response)))
            self.end_headers()
            self.wfile.write(response)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        server.requests = requests
        server.durations = durations
        yield f"http://127.0.0.1:{server.server_address[1]}/", server
    finally:
        server.shutdown()
        server.server_close()

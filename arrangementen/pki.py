"""A TEST PKI for the embedded default and the tests: a CA, a platform certificate and one
certificate per organisation. Everything it makes says TEST in its name; it never signs for real.

With a `crl_url` the certificates it issues name that URL as their CRL distribution point, and
`publish_crl` writes the CA's revocation list for a server on loopback to hand out (tests, `make bench`):
that is what lets a signature carry its revocation information (PAdES B-LT). Without it, as in `make run`,
the certificates point nowhere and nothing is fetched."""

import datetime
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TEST_PREFIX = "TEST"


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{TEST_PREFIX} {organisation}"),
        x509.NameAttribute(NameOID.COMMON_NAME, f"{TEST_PREFIX} {common_name}"),
    ])


def _new_key():
    """RSA 2048: ECDSA signatures would make pyHanko raise the file to PDF 2.0, while PDF/A-3 is PDF 1.7;
    pyHanko's test timestamp authority also signs with RSA only."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(digital_signature=True, content_commitment=not ca, key_encipherment=False,
                         data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
                         encipher_only=False, decipher_only=False)


@dataclass
class TestPki:
    directory: Path
    passphrase: str

    @property
    def ca_pem(self) -> Path:
        return self.directory / "test-ca.pem"

    @property
    def passphrase_file(self) -> Path:
        return self.directory / "wachtwoord.txt"

    @property
    def crl_url_file(self) -> Path:
        return self.directory / "crl-url.txt"

    @property
    def crl_file(self) -> Path:
        return self.directory / "test-ca.crl"

    def p12(self, slug: str) -> Path:
        return self.directory / f"{slug}.p12"

    def certificate(self, slug: str) -> x509.Certificate:
        _key, cert, _extra = pkcs12.load_key_and_certificates(self.p12(slug).read_bytes(), self.passphrase.encode())
        return cert

    def _ca(self):
        key = serialization.load_pem_private_key((self.directory / "test-ca.key").read_bytes(),
                                                 self.passphrase.encode())
        return key, x509.load_pem_x509_certificate(self.ca_pem.read_bytes())


def create_test_pki(directory: Path, organisations: dict[str, str], *, with_tsa: bool = False,
                    crl_url: str = "") -> TestPki:
    """CA + 'platform' + one certificate per {slug: organisation name}; PKCS#12 files under `directory`.

    Existing files are kept, so running it again adds only what is missing (a certificate made without
    `crl_url` keeps pointing nowhere). With `crl_url`, new certificates name it as their CRL distribution
    point, now and in later runs on the same directory, and the (empty) revocation list is published at once.
    """
    directory.mkdir(parents=True, exist_ok=True)
    pki = TestPki(directory, "")
    # Remembered, so that a certificate added later to this PKI (a new organisation) names the same list.
    if crl_url:
        pki.crl_url_file.write_text(crl_url + "\n")
    elif pki.crl_url_file.exists():
        crl_url = pki.crl_url_file.read_text().strip()
    pki.passphrase = _passphrase(pki.passphrase_file)
    now = datetime.datetime.now(datetime.UTC)
    ca_key, ca_cert = _ca(pki, now=now)
    wanted = {"platform": "Platform handhavingsarrangementen", **organisations}
    if with_tsa:
        wanted["tsa"] = "Tijdstempeldienst"
    for slug, organisation in wanted.items():
        if not pki.p12(slug).exists():
            _issue(pki, slug=slug, organisation=organisation, ca_key=ca_key, ca_cert=ca_cert, now=now,
                   crl_url=crl_url)
    if crl_url and not pki.crl_file.exists():
        publish_crl(pki)
    return pki


def _passphrase(path: Path) -> str:
    """The PKI's passphrase: read from its file, or made and written there (readable by the owner only)."""
    if path.exists():
        return path.read_text().strip()
    passphrase = secrets.token_urlsafe(24)
    path.write_text(passphrase + "\n")
    path.chmod(0o600)
    return passphrase


def _ca(pki: TestPki, *, now: datetime.datetime):
    """The TEST CA's key and certificate: loaded when present, otherwise made and stored."""
    ca_key_file = pki.directory / "test-ca.key"
    if ca_key_file.exists():
        ca_key = serialization.load_pem_private_key(ca_key_file.read_bytes(), pki.passphrase.encode())
        return ca_key, x509.load_pem_x509_certificate(pki.ca_pem.read_bytes())
    ca_key = _new_key()
    subject = _name("CA Handhavingsarrangementen", "Handhavingsarrangementen")
    ca_cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    ca_key_file.write_bytes(ca_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(pki.passphrase.encode())))
    ca_key_file.chmod(0o600)
    pki.ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return ca_key, ca_cert


def _issue(pki: TestPki, *, slug: str, organisation: str, ca_key, ca_cert: x509.Certificate,
           now: datetime.datetime, crl_url: str = "") -> None:
    """One organisation's (or the timestamp service's) key and certificate, as a PKCS#12 file."""
    key = _new_key()
    builder = (
        x509.CertificateBuilder().subject_name(_name(organisation, organisation)).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(ca=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if slug == "tsa":
        builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
    if crl_url:
        builder = builder.add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(crl_url)], relative_name=None, reasons=None,
            crl_issuer=None)]), critical=False)
    cert = builder.sign(ca_key, hashes.SHA256())
    data = pkcs12.serialize_key_and_certificates(
        f"{TEST_PREFIX} {organisation}".encode(), key, cert, [ca_cert],
        serialization.BestAvailableEncryption(pki.passphrase.encode()),
    )
    pki.p12(slug).write_bytes(data)
    pki.p12(slug).chmod(0o600)


def publish_crl(pki: TestPki, *, revoked: tuple[str, ...] = (), valid_days: int = 7) -> bytes:
    """Write the CA's revocation list (DER) to `pki.crl_file`, revoking the certificates of the given slugs
    as of one hour ago; returns it. A fresh list replaces the previous one."""
    ca_key, ca_cert = pki._ca()
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateRevocationListBuilder().issuer_name(ca_cert.subject)
        .last_update(now - datetime.timedelta(minutes=5)).next_update(now + datetime.timedelta(days=valid_days))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
    )
    for slug in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder().serial_number(pki.certificate(slug).serial_number)
            .revocation_date(now - datetime.timedelta(hours=1)).build())
    data = builder.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)
    pki.crl_file.write_bytes(data)
    return data

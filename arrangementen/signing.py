"""pyHanko wiring: key material, the platform's certification, per-party PAdES signatures, verification.

pyHanko is imported inside the functions so that pages which never sign do not pay for it.
"""

import functools
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import pdf_limits, sandbox, stempel


class KeyMaterialError(Exception):
    """Key material is missing or unusable; the message tells a beheerder what to do."""


def field_name(partij) -> str:
    """The field's name says whose it is, e.g. 'Handtekening_12_Gemeente_Soest' (ASCII: readers differ on
    other characters in field names; no periods: a period separates the parts of a field name)."""
    ascii_name = unicodedata.normalize("NFKD", str(partij.organisatie)).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Za-z0-9]+", ascii_name)
    return "_".join(["Handtekening", str(partij.pk), *words])[:100]


@dataclass(frozen=True)
class Veld:
    """One empty signature field: its name, its page (0-based) and its rectangle in points (x1, y1, x2, y2),
    origin bottom-left; taken from the rendered layout (arrangementen.pdf)."""

    naam: str
    pagina: int
    box: tuple[float, float, float, float]


def read_passphrase(source: str) -> bytes:
    """'env:NAAM' or 'bestand:/pad'. Never a literal passphrase."""
    kind, _sep, value = source.partition(":")
    if kind == "env" and value:
        secret = os.environ.get(value)
        if not secret:
            raise KeyMaterialError(_("De omgevingsvariabele %(naam)s met het wachtwoord is niet gezet.")
                                   % {"naam": value})
        return secret.encode()
    if kind == "bestand" and value:
        try:
            return Path(value).read_text().strip().encode()
        except OSError as error:
            raise KeyMaterialError(_("Het wachtwoordbestand %(pad)s kan niet worden gelezen: %(fout)s")
                                   % {"pad": value, "fout": error.strerror}) from error
    raise KeyMaterialError(_("De bron van het wachtwoord moet 'env:NAAM' of 'bestand:/pad' zijn."))


def load_signer(pkcs12: bytes, passphrase_source: str):
    """A pyHanko signer from a PKCS#12 file, decrypted once. The private key is kept as a loaded key object:
    pyHanko's SimpleSigner would re-parse (and for RSA re-validate) the key for every raw signature."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import pkcs12 as p12
    from pyhanko.sign import signers
    from pyhanko.sign.general import get_pyca_cryptography_hash
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    passphrase = read_passphrase(passphrase_source)
    try:
        key, cert, extra = p12.load_key_and_certificates(pkcs12, passphrase)
    except ValueError as error:
        raise KeyMaterialError(_("Het PKCS#12-bestand kan niet worden geopend: verkeerd wachtwoord of "
                                 "geen geldig bestand.")) from error
    if key is None or cert is None:
        raise KeyMaterialError(_("Het PKCS#12-bestand bevat geen bruikbare sleutel en certificaat."))

    def asn1(certificate):
        return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))

    class LoadedKeySigner(signers.SimpleSigner):
        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
                return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
            return super().sign_raw(data, digest_algorithm)

    return LoadedKeySigner(
        signing_cert=asn1(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
        cert_registry=SimpleCertificateStore.from_certs([asn1(c) for c in extra or []]),
    )


def describe_certificate(pkcs12: bytes, passphrase_source: str) -> tuple[str, object]:
    """(subject, not-valid-after) of the certificate in a PKCS#12 file, for the beheerder's overview."""
    from cryptography.hazmat.primitives.serialization import pkcs12 as p12

    try:
        _key, cert, _extra = p12.load_key_and_certificates(pkcs12, read_passphrase(passphrase_source))
    except ValueError as error:
        raise KeyMaterialError(_("Het PKCS#12-bestand kan niet worden geopend: verkeerd wachtwoord of "
                                 "geen geldig bestand.")) from error
    if cert is None:
        raise KeyMaterialError(_("Het PKCS#12-bestand bevat geen certificaat."))
    return cert.subject.rfc4514_string(), cert.not_valid_after_utc


def platform_signer():
    path = settings.PLATFORM_SIGNING_PKCS12
    if not path or not Path(path).exists():
        raise KeyMaterialError(_("De platformsleutel (PLATFORM_SIGNING_PKCS12) ontbreekt; de beheerder moet "
                                 "die instellen voordat documenten kunnen worden gemaakt."))
    return _cached_platform_signer(path, Path(path).stat().st_mtime_ns, settings.PLATFORM_SIGNING_PASSPHRASE)


@functools.lru_cache(maxsize=1)
def _cached_platform_signer(path: str, _mtime_ns: int, passphrase_source: str):
    """The platform certifies every document: decrypt its key once per process (a replaced file, with a new
    modification time, is loaded afresh)."""
    return load_signer(Path(path).read_bytes(), passphrase_source)


def _timestamper():
    if not settings.SIGNING_TSA_URL:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.SIGNING_TSA_URL, timeout=10)


def certify(pdf: bytes, fields: list[Veld], *, reason: str) -> bytes:
    """Add one empty signature field per signatory, where the layout placed it, and the platform's
    certification signature, which allows form filling (the parties' signatures) and nothing else."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields as sigfields
    from pyhanko.sign import signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # PDF/A wants the Info dictionary and the XMP metadata to agree; pyHanko would append its name to the
    # Info /Producer only. Dropping the Info entry leaves the XMP as the single statement of the producer.
    info = writer._info.get_object() if writer._info is not None else None
    if info is not None and "/Producer" in info:
        del info["/Producer"]
        writer.mark_update(writer._info)
    for veld in fields:
        sigfields.append_signature_field(writer, sigfields.SigFieldSpec(
            sig_field_name=veld.naam, on_page=veld.pagina, box=veld.box,
        ))
    meta = signers.PdfSignatureMetadata(
        field_name="Certificering_platform", certify=True, docmdp_permissions=sigfields.MDPPerm.FILL_FORMS,
        subfilter=sigfields.SigSeedSubFilter.PADES, md_algorithm="sha256", reason=reason,
    )
    output = io.BytesIO()
    signers.PdfSigner(meta, signer=platform_signer(), timestamper=_timestamper(),
                      new_field_spec=sigfields.SigFieldSpec(sig_field_name="Certificering_platform")
                      ).sign_pdf(writer, output=output)
    return output.getvalue()


@dataclass
class SignatureRequest:
    field: str
    name: str  # the person who signs, e.g. "T. Vervanger"
    function: str
    organisation: str
    reason: str
    location: str = ""
    namens: str = ""  # the person signed for under a mandate, e.g. "B. Burgemeester"

    @property
    def signer_name(self) -> str:
        """The name in the signature's metadata: who signed, and for whom."""
        if not self.namens:
            return self.name
        return _("%(naam)s namens %(namens)s") % {"naam": self.name, "namens": self.namens}


def sign(pdf: bytes, request: SignatureRequest, signer) -> bytes:
    """Fill one existing field with an incremental PAdES signature; earlier signatures stay valid."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields as sigfields
    from pyhanko.sign import signers

    stamp = stempel.Stempeltekst(naam=request.name, functie=request.function, organisatie=request.organisation,
                                 plaats=request.location, namens=request.namens, moment=timezone.now())
    text = "\n".join(stamp.regels())
    meta = signers.PdfSignatureMetadata(
        field_name=request.field, subfilter=sigfields.SigSeedSubFilter.PADES, md_algorithm="sha256",
        name=request.signer_name, reason=request.reason, location=request.location or None,
        contact_info=f"{request.function}, {request.organisation}",
    )
    output = io.BytesIO()
    signers.PdfSigner(meta, signer=signer, timestamper=_timestamper(), stamp_style=stempel.stamp_style()).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=output, appearance_text_params={"tekst": text},
    )
    return output.getvalue()


def document_timestamp(pdf: bytes) -> bytes:
    """With a TSA: a final document timestamp over everything (the long-term archival step)."""
    timestamper = _timestamper()
    if timestamper is None:
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    output = io.BytesIO()
    signers.PdfTimeStamper(timestamper).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), md_algorithm="sha256", output=output,
    )
    return output.getvalue()


# --- verification ---------------------------------------------------------------------------------

@dataclass
class SignatureReport:
    field: str
    signer: str
    signed_at: object
    intact: bool
    valid: bool
    trusted: bool
    coverage: str
    after: str  # "niets": nothing changed after it; "toegestaan": only permitted additions; "ongeoorloofd"
    certification: bool
    timestamp: bool
    reason: str = ""
    details: str = ""  # a plain Dutch summary; never a library's or an exception's own words


@dataclass
class VerificationReport:
    signatures: list[SignatureReport] = field(default_factory=list)
    error: str = ""
    limit: str = ""  # which limit a file too complex to check exceeded (for the security log), else ""

    @property
    def all_valid(self) -> bool:
        return bool(self.signatures) and all(
            s.intact and s.valid and s.trusted and s.after != "ongeoorloofd" for s in self.signatures
        )


def trust_roots():
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    roots = []
    for path in settings.SIGNING_TRUST_ROOTS:
        try:
            for cert in x509.load_pem_x509_certificates(Path(path).read_bytes()):
                roots.append(asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER)))
        except (OSError, ValueError):
            continue
    return roots


def _describe(report: SignatureReport) -> str:
    parts = [
        _("intact") if report.intact else _("verbroken"),
        _("geldig") if report.valid else _("ongeldig"),
        _("vertrouwd") if report.trusted else _("niet vertrouwd"),
    ]
    if report.after == "ongeoorloofd":
        parts.append(_("daarna ongeoorloofd gewijzigd"))
    return ", ".join(parts)


def _check_signature(sig, context_args: dict) -> SignatureReport:
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    is_timestamp = sig.sig_object.get("/Type") == "/DocTimeStamp"
    if is_timestamp:
        status = validate_pdf_timestamp(sig, validation_context=ValidationContext(**context_args))
    else:
        status = validate_pdf_signature(sig, signer_validation_context=ValidationContext(**context_args))
    coverage = status.coverage.name
    level = getattr(status, "modification_level", None)
    if coverage == "ENTIRE_FILE":
        after = "niets"
    elif level is not None and level.name in ("NONE", "LTA_UPDATES", "FORM_FILLING") and getattr(
            status, "docmdp_ok", True) is not False:
        after = "toegestaan"
    else:
        after = "ongeoorloofd"
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    name = _("tijdstempel") if is_timestamp else str(sig.sig_object.get("/Name", ""))
    report = SignatureReport(
        field=str(sig.field_name or ""), signer=str(name or signer),
        signed_at=getattr(status, "signer_reported_dt", None) or getattr(status, "timestamp", None),
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted), coverage=coverage,
        after=after, certification=not is_timestamp and sig.field_name == "Certificering_platform",
        timestamp=is_timestamp, reason=str(sig.sig_object.get("/Reason", "")),
    )
    report.details = _describe(report)
    return report


def _limit_reason(limit: str) -> str:
    reasons = {
        "handtekeningen": _("het bevat te veel handtekeningen of handtekeningvelden"),
        "dubbele handtekeningvelden": _("meerdere handtekeningvelden verwijzen naar dezelfde handtekening"),
        "revisies": _("het is te vaak aangevuld (te veel revisies)"),
        "objecten": _("het bestaat uit te veel onderdelen"),
        "stroomgrootte": _("het bevat ingepakte gegevens die uitgepakt te groot worden"),
        "gedecodeerde bytes": _("het bevat ingepakte gegevens die uitgepakt te groot worden"),
        "tijd": _("de controle duurde te lang"),
        "rekentijd": _("de controle duurde te lang"),
        "geheugen": _("de controle vroeg te veel geheugen"),
    }
    return reasons.get(limit, _("de controle is afgebroken"))


def _too_complex(limit: str) -> VerificationReport:
    return VerificationReport(limit=limit, error=_(
        "Dit bestand is te complex om te controleren: %(reden)s. Een arrangement uit deze applicatie blijft "
        "ruim binnen de grenzen; controleer of u het juiste bestand hebt gekozen.") % {"reden": _limit_reason(limit)})


def _damaged() -> VerificationReport:
    return VerificationReport(error=_("Dit PDF-bestand is beschadigd of onvolledig en kan niet worden gelezen."))


def _verify_in_child(pdf: bytes, roots: list, limits: pdf_limits.Limits, language: str) -> VerificationReport:
    """The parsing and validation, run in the bounded child: structure first, then each signature."""
    from pyhanko.pdf_utils.misc import PdfDecodeLimitError
    from pyhanko.pdf_utils.reader import PdfFileReader

    translation.activate(language)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False, decode_limits=pdf_limits.decode_limits(limits))
        pdf_limits.check_structure(reader, limits)
        embedded = list(reader.embedded_signatures)
    except pdf_limits.TooComplex as exceeded:
        return _too_complex(exceeded.limit)
    except PdfDecodeLimitError:
        return _too_complex("gedecodeerde bytes")
    except MemoryError:
        raise  # the child reports it as the memory limit
    except Exception:  # noqa: BLE001 - a damaged upload can fail in many ways; it is a verdict, not a 500
        return _damaged()
    if not embedded:
        return VerificationReport(error=_("Dit PDF-bestand bevat geen digitale handtekeningen."))
    context_args = {"trust_roots": roots, "allow_fetching": False, "revocation_mode": "soft-fail"}
    report = VerificationReport()
    for sig in embedded:
        try:
            report.signatures.append(_check_signature(sig, context_args))
        except PdfDecodeLimitError:
            return _too_complex("gedecodeerde bytes")
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - any parse or crypto failure is a failed signature
            report.signatures.append(SignatureReport(
                field="", signer="", signed_at=None, intact=False, valid=False, trusted=False,
                coverage="ONBEKEND", after="ongeoorloofd", certification=False, timestamp=False,
                details=_("Deze handtekening kon niet worden gecontroleerd: de gegevens ervan zijn beschadigd "
                          "of ongeldig."),
            ))
    return report


def verify(pdf: bytes) -> VerificationReport:
    """Validate every signature in the file against the configured trust roots. Never raises on bad input.

    The file is checked against the structural limits first (pdf_limits, on the raw bytes); parsing and
    validation then run in a child process bounded in wall-clock time, CPU time and memory (sandbox).
    A file over any limit gets a verdict naming it in `limit`, never an exception.
    """
    if not pdf.startswith(b"%PDF-"):
        return VerificationReport(error=_("Dit bestand is geen PDF."))
    limits = pdf_limits.Limits.from_settings()
    try:
        pdf_limits.check_raw(pdf, limits)
    except pdf_limits.TooComplex as exceeded:
        return _too_complex(exceeded.limit)
    # Imported here, before the fork, so that each child inherits them instead of importing them again.
    import pyhanko.pdf_utils.reader  # noqa: F401
    import pyhanko.sign.validation  # noqa: F401
    import pyhanko_certvalidator  # noqa: F401

    bounds = sandbox.Bounds(seconds=settings.VERIFICATIE_MAX_SECONDEN,
                            cpu_seconds=settings.VERIFICATIE_MAX_CPU_SECONDEN,
                            memory_bytes=settings.VERIFICATIE_MAX_GEHEUGEN)
    try:
        return sandbox.run_bounded(_verify_in_child, pdf, trust_roots(), limits,
                                   translation.get_language() or settings.LANGUAGE_CODE, bounds=bounds)
    except sandbox.LimitExceeded as exceeded:
        return _too_complex(exceeded.limit)

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
from django.core.exceptions import ValidationError
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


class LongTermValidationError(ValidationError):
    """With a TSA, the chain or its revocation information could not be fetched or does not hold; nothing is
    signed. A ValidationError, so that the signing service rolls back and shows it."""


def _long_term_options() -> dict:
    """With a TSA: fetch the chain's revocation information and embed it in the DSS of the same revision
    (PAdES B-LT); without one (make run) the signature stays B-B and nothing is fetched."""
    if not settings.SIGNING_TSA_URL:
        return {}
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference
    from pyhanko_certvalidator import ValidationContext

    return {
        # hard-fail: a certificate that names a CRL must have one we can fetch and that does not revoke it
        "validation_context": ValidationContext(trust_roots=trust_roots(), allow_fetching=True,
                                                revocation_mode="hard-fail"),
        "embed_validation_info": True,
        # One revision per signature (VRI entries would force a second one; modern validators ignore them).
        "dss_settings": DSSContentSettings(include_vri=False,
                                           placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE),
    }


def _signed_with_long_term_check(run):
    """Run a pyHanko signing step; a failed chain or revocation check becomes a Dutch refusal."""
    from pyhanko.sign.general import SigningError
    from pyhanko_certvalidator.errors import PathError
    from pyhanko_certvalidator.errors import ValidationError as PathValidationError

    try:
        return run()
    except (SigningError, PathError, PathValidationError) as error:
        raise LongTermValidationError(_(
            "De handtekening kon niet langdurig verifieerbaar worden gemaakt: de geldigheid van het certificaat "
            "(keten of intrekkingslijst) kon niet worden vastgesteld. Er is niets ondertekend; probeer het later "
            "opnieuw of meld het aan de beheerder."), code="ltv") from error


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
        **_long_term_options(),
    )
    output = io.BytesIO()
    _signed_with_long_term_check(lambda: signers.PdfSigner(
        meta, signer=platform_signer(), timestamper=_timestamper(),
        new_field_spec=sigfields.SigFieldSpec(sig_field_name="Certificering_platform"),
    ).sign_pdf(writer, output=output))
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
        **_long_term_options(),
    )
    output = io.BytesIO()
    _signed_with_long_term_check(lambda: signers.PdfSigner(
        meta, signer=signer, timestamper=_timestamper(), stamp_style=stempel.stamp_style()).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=output, appearance_text_params={"tekst": text},
    ))
    return output.getvalue()


def document_timestamp(pdf: bytes) -> bytes:
    """With a TSA: a final document timestamp over everything, the signatures' DSS included, followed by the
    timestamp's own chain and revocation information (PAdES B-LTA)."""
    timestamper = _timestamper()
    if timestamper is None:
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.signers.pdf_signer import TimestampDSSContentSettings

    options = _long_term_options()
    output = io.BytesIO()
    _signed_with_long_term_check(lambda: signers.PdfTimeStamper(timestamper).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), md_algorithm="sha256", output=output,
        validation_context=options["validation_context"],
        dss_settings=TimestampDSSContentSettings(include_vri=False),
    ))
    return output.getvalue()


# --- verification ---------------------------------------------------------------------------------

CERTIFICATION_FIELD = "Certificering_platform"


@dataclass
class SignatureReport:
    field: str
    signer: str  # the name the signature carries, else the certificate's common name; never a distinguished name
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
    common_name: str = ""  # the certificate's CN and O, in plain words
    organisation: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.after != "ongeoorloofd"


@dataclass
class VerificationReport:
    signatures: list[SignatureReport] = field(default_factory=list)
    error: str = ""
    limit: str = ""  # which limit a file too complex to check exceeded (for the security log), else ""
    party_fields: list[str] = field(default_factory=list)  # every signature field of a party, signed or not
    long_term: bool = False  # PAdES B-LTA that validates with the file's own data, now and after expiry
    long_term_reason: str = ""  # why not: "ongeldig", "geen tijdstempel", "onvolledig"; "" when long_term
    long_term_at: object = None  # the time of the final document timestamp

    @property
    def all_valid(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def party_signatures(self) -> list[SignatureReport]:
        return [s for s in self.signatures if s.field in self.party_fields]

    @property
    def unsigned_fields(self) -> list[str]:
        signed = {s.field for s in self.signatures}
        return [name for name in self.party_fields if name not in signed]


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


def _check_signature(sig, context_args: dict, *, skip_diff: bool = False) -> SignatureReport:
    """One signature's report. With skip_diff, what came after it is not analysed (it could not be read) and
    counts as not permitted."""
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    is_timestamp = sig.sig_object.get("/Type") == "/DocTimeStamp"
    if is_timestamp:
        status = validate_pdf_timestamp(sig, validation_context=ValidationContext(**context_args),
                                        skip_diff=skip_diff)
    else:
        status = validate_pdf_signature(sig, signer_validation_context=ValidationContext(**context_args),
                                        skip_diff=skip_diff)
    coverage = status.coverage.name
    level = getattr(status, "modification_level", None)
    if skip_diff:
        after = "ongeoorloofd"
    elif coverage == "ENTIRE_FILE":
        after = "niets"
    elif level is not None and level.name in ("NONE", "LTA_UPDATES", "FORM_FILLING") and getattr(
            status, "docmdp_ok", True) is not False:
        after = "toegestaan"
    else:
        after = "ongeoorloofd"
    subject = status.signing_cert.subject.native if status.signing_cert else {}
    common_name, organisation = str(subject.get("common_name", "")), str(subject.get("organization_name", ""))
    name = _("tijdstempel") if is_timestamp else str(sig.sig_object.get("/Name", ""))
    report = SignatureReport(
        field=str(sig.field_name or ""), signer=name or common_name or organisation,
        common_name=common_name, organisation=organisation,
        signed_at=getattr(status, "signer_reported_dt", None) or getattr(status, "timestamp", None),
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted), coverage=coverage,
        after=after, certification=not is_timestamp and sig.field_name == CERTIFICATION_FIELD,
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


def _party_fields(reader) -> list[str]:
    """The names of the signature fields meant for the parties: all but the platform's certification and the
    document timestamps (the field tree was already bounded by pdf_limits.check_structure)."""
    from pyhanko.sign.fields import enumerate_sig_fields

    names = []
    for name, value, _ref in enumerate_sig_fields(reader, filled_status=None):
        value = value.get_object() if value is not None else None
        if name == CERTIFICATION_FIELD or (value is not None and value.get("/Type") == "/DocTimeStamp"):
            continue
        names.append(str(name))
    return names


def _long_term_spec(roots: list):
    """Validation with nothing but the file's own data: revocation information is required for every
    certificate below the root, and nothing is fetched."""
    from pyhanko.sign.validation.policy_decl import (
        CertificateFetchingRule,
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import REQUIRE_REVINFO, CertRevTrustPolicy
    from pyhanko_certvalidator.registry import SimpleTrustManager

    return PdfSignatureValidationSpec(SignatureValidationSpec(
        cert_validation_policy=CertValidationPolicySpec(trust_manager=SimpleTrustManager.build(trust_roots=roots),
                                                        revinfo_policy=CertRevTrustPolicy(REQUIRE_REVINFO)),
        revinfo_gathering_policy=RevocationInfoGatheringSpec(
            online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY,
            certificate_fetching_rule=CertificateFetchingRule.NEVER_FETCH),
    ))


def _check_long_term(embedded: list, report: VerificationReport, roots: list) -> None:
    """PAdES B-LTA as a reader years from now would meet it: the file ends in a document timestamp, and every
    signature validates from the file's own certificates and revocation lists, today and the day after the
    last signing certificate has expired (pyHanko's AdES long-term validation, ETSI EN 319 102-1)."""
    import asyncio
    import datetime
    import logging

    from pyhanko.sign.ades.report import AdESPassed
    from pyhanko.sign.validation.ades import ades_lta_validation, simulate_future_ades_lta_validation

    if not report.all_valid:
        report.long_term_reason = "ongeldig"
        return
    last = embedded[-1]
    if last.sig_object.get("/Type") != "/DocTimeStamp":
        report.long_term_reason = "geen tijdstempel"
        return
    report.long_term_at = report.signatures[-1].signed_at
    # pyHanko logs every path that fails during the simulation; this child's log is not the product's
    for name in ("pyhanko", "pyhanko_certvalidator"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    spec = _long_term_spec(roots)
    signatures = [sig for sig in embedded if sig.sig_object.get("/Type") != "/DocTimeStamp"]
    try:
        expiry = max(sig.signer_cert.not_valid_after for sig in signatures)
        later = expiry + datetime.timedelta(days=1)
        for sig in signatures:
            now = asyncio.run(ades_lta_validation(sig, spec))
            future = asyncio.run(simulate_future_ades_lta_validation(sig, spec, future_validation_time=later))
            if now.ades_subindic != AdESPassed.OK or future.ades_subindic != AdESPassed.OK:
                report.long_term_reason = "onvolledig"
                return
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - whatever stops the long-term check means the file is not long-term verifiable
        report.long_term_reason = "onvolledig"
        return
    report.long_term = True


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
    try:
        report.party_fields = _party_fields(reader)
    except PdfDecodeLimitError:
        return _too_complex("gedecodeerde bytes")
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001 - a damaged field tree: the signatures themselves are still checked
        report.party_fields = []
    for sig in embedded:
        try:
            report.signatures.append(_check_signature(sig, context_args))
        except PdfDecodeLimitError:
            return _too_complex("gedecodeerde bytes")
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - any parse or crypto failure is a failed signature
            report.signatures.append(_check_damaged(sig, context_args))
    _check_long_term(embedded, report, roots)
    return report


def _check_damaged(sig, context_args: dict) -> SignatureReport:
    """A signature whose check failed, usually because what follows it cannot be read: checked again without
    that analysis, so that a file changed after signing is named as such; else reported as damaged."""
    try:
        checked = _check_signature(sig, context_args, skip_diff=True)
        if not checked.intact:
            return checked
    except MemoryError:
        raise
    except Exception:  # noqa: BLE001, S110 - no better verdict to be had: damaged
        pass
    try:
        name = str(sig.field_name or "")
    except Exception:  # noqa: BLE001 - even the field's name may be unreadable
        name = ""
    return SignatureReport(
        field=name, signer="", signed_at=None, intact=False, valid=False, trusted=False,
        coverage="ONBEKEND", after="ongeoorloofd", certification=False, timestamp=False,
        details=_("Deze handtekening kon niet worden gecontroleerd: de gegevens ervan zijn beschadigd of ongeldig."),
    )


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

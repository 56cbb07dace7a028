"""Checking a signed PDF: every signature in words, the party fields signed or not, long-term validity.

Parsing and validation run in a bounded child process (sandbox) after the structural limits (pdf_limits).
pyHanko is imported inside the functions so that pages which never verify do not pay for it.
"""

import io
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from . import pdf_limits, sandbox
from .signing import trust_roots

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

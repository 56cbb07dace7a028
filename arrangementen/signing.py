"""pyHanko wiring: key material, the platform's certification, per-party PAdES signatures (B-B, or B-LT/B-LTA
with a TSA). Checking a signed file is handtekeningcontrole.

pyHanko is imported inside the functions so that pages which never sign do not pay for it.
"""

import functools
import io
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from . import stempel, validatiegegevens


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


def _timestamper(*, fetch_per_signature: bool = False):
    if not settings.SIGNING_TSA_URL:
        return None
    return validatiegegevens.timestamper(settings.SIGNING_TSA_URL, trust=tuple(settings.SIGNING_TRUST_ROOTS),
                                         fetch_per_signature=fetch_per_signature)


class LongTermValidationError(ValidationError):
    """With a TSA, the chain or its revocation information could not be fetched or does not hold; nothing is
    signed. A ValidationError, so that the signing service rolls back and shows it."""


def _long_term_options(*, reuse_for: str | None = None, fetch_per_signature: bool = False) -> dict:
    """With a TSA: fetch the chain's revocation information and embed it in the DSS of the same revision
    (PAdES B-LT); without one (make run) the signature stays B-B and nothing is fetched. `reuse_for` names the
    document whose signatures share a still-valid CRL (validatiegegevens)."""
    if not settings.SIGNING_TSA_URL:
        return {}
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference

    return {
        # hard-fail: a certificate that names a CRL must have one we can fetch and that does not revoke it
        "validation_context": validatiegegevens.validation_context(
            trust_roots=trust_roots(), reuse_for=reuse_for, fetch_per_signature=fetch_per_signature),
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


def certify(pdf: bytes, fields: list[Veld], *, reason: str, fetch_per_signature: bool = False) -> bytes:
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
        **_long_term_options(fetch_per_signature=fetch_per_signature),
    )
    output = io.BytesIO()
    _signed_with_long_term_check(lambda: signers.PdfSigner(
        meta, signer=platform_signer(), timestamper=_timestamper(fetch_per_signature=fetch_per_signature),
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


def sign(pdf: bytes, request: SignatureRequest, signer, *, reuse_for: str | None = None,
         fetch_per_signature: bool = False) -> bytes:
    """Fill one existing field with an incremental PAdES signature; earlier signatures stay valid. With a TSA,
    `reuse_for` (e.g. "document:12") lets the signatures of one document share a still-valid CRL;
    `fetch_per_signature` fetches everything afresh (the old way, kept for the benchmark's comparison)."""
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
        **_long_term_options(reuse_for=reuse_for, fetch_per_signature=fetch_per_signature),
    )
    output = io.BytesIO()
    timestamper = _timestamper(fetch_per_signature=fetch_per_signature)
    _signed_with_long_term_check(lambda: signers.PdfSigner(
        meta, signer=signer, timestamper=timestamper, stamp_style=stempel.stamp_style()).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=output, appearance_text_params={"tekst": text},
    ))
    return output.getvalue()


def document_timestamp(pdf: bytes, *, reuse_for: str | None = None, fetch_per_signature: bool = False) -> bytes:
    """With a TSA: a final document timestamp over everything, the signatures' DSS included, followed by the
    timestamp's own chain and revocation information (PAdES B-LTA); `reuse_for` and `fetch_per_signature` as
    for sign()."""
    timestamper = _timestamper(fetch_per_signature=fetch_per_signature)
    if timestamper is None:
        return pdf
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.signers.pdf_signer import TimestampDSSContentSettings

    options = _long_term_options(reuse_for=reuse_for, fetch_per_signature=fetch_per_signature)
    output = io.BytesIO()
    _signed_with_long_term_check(lambda: signers.PdfTimeStamper(timestamper).timestamp_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), md_algorithm="sha256", output=output,
        validation_context=options["validation_context"],
        dss_settings=TimestampDSSContentSettings(include_vri=False),
    ))
    return output.getvalue()


# --- verification ---------------------------------------------------------------------------------


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

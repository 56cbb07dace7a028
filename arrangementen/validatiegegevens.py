"""Long-term validation data (PAdES B-LT) without paying for it again at every signature (issue 19).

With a TSA every signature validates its chain, fetches the revocation list (CRL) its certificates name, embeds
it and asks a timestamp. Measured (pyinstrument, bench/pdf_pipeline.py), most of a signature's 0.22 s went to
work that repeats itself: each HTTP session built a TLS context from certifi's bundle (~15 ms, three sessions
per signature, although every URL here is plain HTTP), a fresh timestamp client asked the TSA for a dummy token
to estimate the signature's size before asking the real one, and the same CRL was fetched again.

What is reused, and for how long:
- a CRL: only for the signatures of one document (its parties' signatures and the closing document timestamp,
  named by the caller's `reuse_for` key), only while the list itself is valid (before its nextUpdate) and at
  most REUSE_MAX after it was fetched, so a revocation published during a signing session reaches the next
  signature within minutes. Kept in Django's cache (Redis in production), so every worker shares it. The
  platform's certification at vaststelling fetches its own.
- the timestamp client: per process, TSA URL and trust roots for at most REUSE_MAX; it holds only the TSA's
  dummy token (size estimate and the TSA's certificate), no revocation data.
- the TLS context: per process.
`fetch_per_signature=True` keeps the old way (everything fresh per signature) for the benchmark's comparison.
"""

import datetime
import functools
import hashlib
import time
from contextlib import asynccontextmanager

from django.core.cache import caches
from django.utils import timezone

REUSE_MAX = datetime.timedelta(minutes=15)
CACHE_PREFIX = "ltv-crl"


def _now() -> datetime.datetime:
    return timezone.now()


@functools.lru_cache(maxsize=1)
def _tls_context():
    """The context pyHanko would build per session (certifi's bundle), built once per process."""
    import ssl

    import certifi

    return ssl.create_default_context(cafile=certifi.where())


@functools.cache
def _session_class():
    # Defined here, not at import: pages that never sign do not load pyHanko (as signing.py).
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers.util import LazySession

    class Sessie(LazySession):
        """A session opened on first use inside the signing call's event loop, with the process's TLS context."""

        def get_session(self):
            if self._session is None:
                import aiohttp

                self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=_tls_context()))
            return self._session

    return Sessie


def _cache_key(scope: str, urls: tuple[str, ...]) -> str:
    return f"{CACHE_PREFIX}:" + hashlib.sha256("\n".join((scope, *urls)).encode()).hexdigest()


def _reuse_until(lists, fetched_at: datetime.datetime) -> datetime.datetime | None:
    """The moment until which these lists may stand in for a fresh fetch: none without a nextUpdate."""
    next_updates = [crl["tbs_cert_list"]["next_update"].native for crl in lists]
    if not lists or None in next_updates:
        return None
    return min([*next_updates, fetched_at + REUSE_MAX])


def _distribution_urls(cert) -> tuple[str, ...]:
    from pyhanko_certvalidator.fetchers.common_utils import enumerate_delivery_point_urls
    from pyhanko_certvalidator.util import get_relevant_crl_dps

    return tuple(sorted(url for point in get_relevant_crl_dps(cert, use_deltas=True)
                        for url in enumerate_delivery_point_urls(point) or ()))


def _reusing_crl_fetcher(inner, scope: str, store):
    """pyHanko's CRL fetcher, answering from the document's still-valid lists in `store` before it fetches."""
    from asn1crypto import crl as asn1_crl
    from pyhanko_certvalidator.fetchers.api import CRLFetcher
    from pyhanko_certvalidator.util import issuer_serial

    class ReusingCRLFetcher(CRLFetcher):
        def __init__(self):
            self._by_cert = {}

        async def fetch(self, cert, *, use_deltas=True):
            urls = _distribution_urls(cert)
            key = _cache_key(scope, urls)
            stored = store.get(key) if urls else None
            if stored is not None and _now() < stored["until"]:
                lists = [asn1_crl.CertificateList.load(der) for der in stored["lists"]]
            else:
                fetched_at = _now()
                lists = list(await inner.fetch(cert, use_deltas=use_deltas))
                until = _reuse_until(lists, fetched_at) if urls else None
                if until is not None and until > _now():
                    store.set(key, {"until": until, "lists": [crl.dump() for crl in lists]},
                              timeout=max(1, int((until - _now()).total_seconds())))
            self._by_cert[issuer_serial(cert)] = lists
            return lists

        def fetched_crls(self):
            # Every list this signature relied on goes into its DSS, reused or fetched.
            seen = {}
            for lists in self._by_cert.values():
                for crl in lists:
                    seen.setdefault(crl.dump(), crl)
            return list(seen.values())

        def fetched_crls_for_cert(self, cert):
            return self._by_cert[issuer_serial(cert)]

    return ReusingCRLFetcher()


def _fetcher_backend(scope: str | None):
    """pyHanko's HTTP fetchers on a session with the process's TLS context; with a scope, CRLs reused in it."""
    from pyhanko_certvalidator.fetchers.aiohttp_fetchers import AIOHttpFetcherBackend
    from pyhanko_certvalidator.fetchers.api import FetcherBackend, Fetchers

    # Taken here, in the caller's context: inside pyHanko's event loop Django would open another connection.
    store = caches["default"]

    class Backend(FetcherBackend):
        def __init__(self):
            self.inner = AIOHttpFetcherBackend(session=_session_class()())

        def get_fetchers(self):
            fetchers = self.inner.get_fetchers()
            if scope is None:
                return fetchers
            return Fetchers(ocsp_fetcher=fetchers.ocsp_fetcher, cert_fetcher=fetchers.cert_fetcher,
                            crl_fetcher=_reusing_crl_fetcher(fetchers.crl_fetcher, scope, store))

        async def close(self):
            await self.inner.close()

    return Backend()


def validation_context(*, trust_roots: list, reuse_for: str | None, fetch_per_signature: bool):
    """The validation context of one signing call: fetching allowed, hard-fail on revocation."""
    from pyhanko_certvalidator import ValidationContext
    from pyhanko_certvalidator.fetchers.api import OwnedFetcherBackend

    if fetch_per_signature:
        return ValidationContext(trust_roots=trust_roots, allow_fetching=True, revocation_mode="hard-fail")
    return ValidationContext(trust_roots=trust_roots, allow_fetching=True, revocation_mode="hard-fail",
                             fetcher_backend=OwnedFetcherBackend(_fetcher_backend(reuse_for)))


_timestampers: dict[tuple, tuple[object, float]] = {}


def timestamper(url: str, *, trust: tuple, fetch_per_signature: bool):
    """The TSA client: per process, URL and trust roots for at most REUSE_MAX (it keeps its dummy token and
    with it the TSA's certificate), or fresh."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    if fetch_per_signature:
        return HTTPTimeStamper(url, timeout=10)
    held = _timestampers.get((url, trust))
    if held is not None and time.monotonic() - held[1] < REUSE_MAX.total_seconds():
        return held[0]
    Sessie = _session_class()  # noqa: N806 - a class

    class Tijdstempelaar(HTTPTimeStamper):
        @asynccontextmanager
        async def _acquire_session(self):
            # As pyHanko does (one session per request, in the caller's loop), with the process's TLS context.
            session = Sessie()
            try:
                yield session.get_session()
            finally:
                await session.close()

    stamper = Tijdstempelaar(url, timeout=10)
    _timestampers[(url, trust)] = (stamper, time.monotonic())
    return stamper

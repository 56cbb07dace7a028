import pytest

from .wereld import signing_settings


@pytest.fixture(scope="module")
def pki(test_pki):
    """The TEST PKI, with the product's signing settings pointing at it for the whole module."""
    with signing_settings(test_pki):
        yield test_pki

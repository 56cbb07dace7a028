"""poppler's pdfsig, an implementation independent of pyHanko, trusting the TEST CA through an NSS database."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest


def nss_database(directory: Path, ca_pem: Path) -> str:
    """An NSS database that trusts the TEST CA, for pdfsig."""
    if not shutil.which("certutil"):
        pytest.fail("certutil ontbreekt (Debian-pakket libnss3-tools): nodig om pdfsig de TEST-CA te laten "
                    "vertrouwen.")
    database = directory / "nss"
    database.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{database}", "--empty-password"], check=True, timeout=30)
    subprocess.run(["certutil", "-A", "-d", f"sql:{database}", "-n", "TEST CA", "-t", "CT,C,C", "-a",
                    "-i", str(ca_pem)], check=True, timeout=30)
    return f"sql:{database}"


def pdfsig(nssdir: str, path: Path) -> list[dict[str, str]]:
    """pdfsig's report: one {item: value} per signature, e.g. 'Signature Validation': 'Signature is Valid.'"""
    output = subprocess.run(["pdfsig", "-nssdir", nssdir, str(path)], capture_output=True, text=True,
                            timeout=60).stdout
    blocks = re.split(r"^Signature #\d+:\s*$", output, flags=re.M)[1:]
    assert blocks, f"pdfsig found no signatures:\n{output}"
    return [dict(re.findall(r"^\s*- ([^:\n]+): (.*)$", block, flags=re.M)) for block in blocks]

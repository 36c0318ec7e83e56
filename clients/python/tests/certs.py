"""Certificates for the TLS tests, made with the openssl CLI: a CA, server certificates for 127.0.0.1 (two, for
reloads), a client certificate (CN driver-1) signed by the CA, and a self-signed "stranger" client."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Dict


def _openssl(directory: Path, *arguments: str) -> None:
    subprocess.run(["openssl", *arguments], cwd=directory, check=True, capture_output=True)


def _key_and_request(directory: Path, name: str, subject: str) -> None:
    _openssl(directory, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f"{name}.key",
             "-out", f"{name}.csr", "-subj", subject)


def make(directory: Path) -> Dict[str, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    _openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
             "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=metagov test CA")
    for name, subject, names in [("server", "/CN=localhost", "IP:127.0.0.1,DNS:localhost"),
                                 ("server2", "/CN=localhost", "IP:127.0.0.1,DNS:localhost"),
                                 ("client", "/CN=driver-1/O=Example", "DNS:driver-1.example")]:
        _key_and_request(directory, name, subject)
        (directory / f"{name}.ext").write_text(f"subjectAltName={names}\n")
        _openssl(directory, "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext")
    _openssl(directory, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
             "stranger.key", "-out", "stranger.pem", "-days", "2", "-subj", "/CN=driver-1")
    return {path.name: path for path in directory.iterdir()}

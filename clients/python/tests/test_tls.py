"""TLS and mTLS on the real `metagovd serve`: ALPN h2 (gRPC) and http/1.1 (webhooks, /healthz) on one port,
certificates reloaded on SIGHUP without dropping connections, client certificates accepted in place of a token
(metagov.auth.certificate_scopes) or refused, and the clients' TLS options (Python, the `metagov` CLI)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.request
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

import certs
from metagov_client import MetagovClient, MetagovError


def tls_arguments(files, client_ca: bool = False, require: bool = False):
    arguments = ["--tls-cert", str(files["server.pem"]), "--tls-key", str(files["server.key"])]
    if client_ca:
        arguments += ["--tls-client-ca", str(files["ca.pem"])]
    if require:
        arguments.append("--tls-require-client-cert")
    return arguments


def negotiated(port: int, ca: Path, protocol: str):
    """The ALPN protocol and the server certificate (DER) of a fresh TLS connection offering `protocol`."""
    context = ssl.create_default_context(cafile=str(ca))
    context.set_alpn_protocols([protocol])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            return tls.selected_alpn_protocol(), tls.getpeercert(binary_form=True)


def test_tls_alpn_h2_and_http11_on_one_port(make_server, tmp_path, metagovd):
    files = certs.make(tmp_path / "certs")
    server = make_server(arguments=tls_arguments(files))
    assert negotiated(server.port, files["ca.pem"], "h2")[0] == "h2"
    assert negotiated(server.port, files["ca.pem"], "http/1.1")[0] == "http/1.1"
    # gRPC through grpcio with the CA, and through the bundled client's tls options.
    credentials = grpc.ssl_channel_credentials(root_certificates=files["ca.pem"].read_bytes())
    with grpc.secure_channel(server.target, credentials) as channel:
        assert health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=30).status == 1
    with MetagovClient(server.target, token=server.admin_token(), tls=True,
                       root_certificates=files["ca.pem"].read_bytes()) as client:
        client.create_community("C", slug="c")
        assert client.get_community("c")["slug"] == "c"
    # HTTP/1.1 over TLS: /healthz.
    context = ssl.create_default_context(cafile=str(files["ca.pem"]))
    with urllib.request.urlopen(f"https://127.0.0.1:{server.port}/healthz", context=context, timeout=30) as response:
        assert response.status == 200 and response.read() == b"ok\n"
    # The metagov CLI with --ca.
    cli = Path(metagovd).with_name("metagov")
    done = subprocess.run([str(cli), "--server", server.target, "--ca", str(files["ca.pem"]), "--token",
                           server.admin_token(), "community", "show", "c"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert '"slug":"c"' in done.stdout.replace(" ", "")
    # A cleartext client gets no service.
    with pytest.raises(MetagovError) as failure:
        with MetagovClient(server.target, token=server.admin_token(), timeout=10) as plain:
            plain.list_communities()
    assert failure.value.code == grpc.StatusCode.UNAVAILABLE


def test_sighup_reloads_certificates_without_dropping_connections(make_server, tmp_path):
    files = certs.make(tmp_path / "certs")
    served = {"pem": tmp_path / "served.pem", "key": tmp_path / "served.key"}
    shutil.copy(files["server.pem"], served["pem"])
    shutil.copy(files["server.key"], served["key"])
    server = make_server(arguments=["--tls-cert", str(served["pem"]), "--tls-key", str(served["key"])])
    before = negotiated(server.port, files["ca.pem"], "h2")[1]
    client = MetagovClient(server.target, token=server.admin_token(), root_certificates=files["ca.pem"].read_bytes())
    client.create_community("C", slug="c")
    shutil.copy(files["server2.pem"], served["pem"])
    shutil.copy(files["server2.key"], served["key"])
    server.process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 30
    after = before
    while after == before and time.monotonic() < deadline:
        time.sleep(0.1)
        after = negotiated(server.port, files["ca.pem"], "h2")[1]
    assert after != before, "the new certificate is not served 30 s after SIGHUP"
    assert after == ssl.PEM_cert_to_DER_cert(files["server2.pem"].read_text())
    # The connection opened before the reload still works.
    assert client.get_community("c")["slug"] == "c"
    client.close()
    assert "TLS certificates reloaded" in server.log()


def test_mtls_certificate_in_place_of_a_token_and_refusals(make_server, tmp_path):
    files = certs.make(tmp_path / "certs")
    server = make_server(arguments=tls_arguments(files, client_ca=True, require=True),
                         config={"metagov.auth.certificate_scopes": "driver-1=admin"})
    ca = files["ca.pem"].read_bytes()
    with MetagovClient(server.target, token="", root_certificates=ca, certificate_chain=files["client.pem"].read_bytes(),
                       private_key=files["client.key"].read_bytes()) as client:
        client.create_community("Made by a certificate", slug="m")
        assert [c["slug"] for c in client.list_communities()["communities"]] == ["m"]
    for chain, key in [(None, None), (files["stranger.pem"], files["stranger.key"])]:
        with pytest.raises(MetagovError) as failure:
            with MetagovClient(server.target, token="", root_certificates=ca, timeout=10,
                               certificate_chain=chain.read_bytes() if chain else None,
                               private_key=key.read_bytes() if key else None) as client:
                client.list_communities()
        assert failure.value.code == grpc.StatusCode.UNAVAILABLE


def test_a_certificate_not_mapped_to_a_scope_is_anonymous(make_server, tmp_path):
    files = certs.make(tmp_path / "certs")
    server = make_server(arguments=tls_arguments(files, client_ca=True))
    with MetagovClient(server.target, token="", root_certificates=files["ca.pem"].read_bytes(),
                       certificate_chain=files["client.pem"].read_bytes(),
                       private_key=files["client.key"].read_bytes()) as client:
        with pytest.raises(MetagovError) as failure:
            client.list_communities()
        assert failure.value.code == grpc.StatusCode.UNAUTHENTICATED


def test_bad_certificate_at_start_is_a_clear_error(tmp_path, metagovd):
    files = certs.make(tmp_path / "certs")
    done = subprocess.run([metagovd, "serve", "--port", "0", "--database", str(tmp_path / "db.sqlite"),
                           "--tls-cert", str(tmp_path / "nope.pem"), "--tls-key", str(files["server.key"])],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "nope.pem" in done.stderr


def test_cleartext_on_a_non_loopback_address_with_tokens_warns(tmp_path, metagovd):
    process = subprocess.Popen([metagovd, "serve", "--host", "0.0.0.0", "--port", "0", "--database",
                                str(tmp_path / "db.sqlite")], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().startswith("metagovd serving on 0.0.0.0:")
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=60)
    assert process.returncode == 0
    assert "without TLS on a non-loopback address" in errors

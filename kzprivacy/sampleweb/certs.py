"""Throw-away TLS certificates for the sample web's https sites.

A certificate authority is generated when the server starts and signs one leaf
certificate per host on demand, so every host gets a certificate that names it
(clients that check names can trust `ca_pem`; Scrapy and Chromium with
--ignore-certificate-errors accept anything). Nothing is written outside a
temporary folder that `close()` removes.
"""

from __future__ import annotations

import datetime as dt
import ssl
import tempfile
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


class CertificateAuthority:
    """A self-signed CA that issues per-host server certificates and SSL contexts."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="sampleweb-certs-")
        self._lock = threading.Lock()
        self._contexts: dict[str, ssl.SSLContext] = {}
        now = dt.datetime.now(dt.timezone.utc)
        self._not_before = now - dt.timedelta(days=1)
        self._not_after = now + dt.timedelta(days=30)
        self._ca_key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "kzprivacy sample web"),
            x509.NameAttribute(NameOID.COMMON_NAME, "kzprivacy sample web throw-away CA"),
        ])
        ski = x509.SubjectKeyIdentifier.from_public_key(self._ca_key.public_key())
        self._ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self._ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._not_before)
            .not_valid_after(self._not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True, content_commitment=False, key_encipherment=False,
                    data_encipherment=False, key_agreement=False, key_cert_sign=True,
                    crl_sign=True, encipher_only=False, decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(ski, critical=False)
            .sign(self._ca_key, hashes.SHA256())
        )
        # One key for every leaf: generating keys is the slow part, and nothing here is secret.
        self._leaf_key = ec.generate_private_key(ec.SECP256R1())
        self._leaf_key_path = Path(self._dir.name) / "leaf.key"
        self._leaf_key_path.write_bytes(
            self._leaf_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.ca_pem: bytes = self._ca_cert.public_bytes(serialization.Encoding.PEM)
        self.ca_path = Path(self._dir.name) / "ca.pem"
        self.ca_path.write_bytes(self.ca_pem)

    def _leaf_pem(self, host: str) -> bytes:
        ca_ski = self._ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host[:64])]))
            .issuer_name(self._ca_cert.subject)
            .public_key(self._leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(self._not_before)
            .not_valid_after(self._not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self._leaf_key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False
            )
            .sign(self._ca_key, hashes.SHA256())
        )
        return cert.public_bytes(serialization.Encoding.PEM) + self.ca_pem

    def context_for(self, host: str) -> ssl.SSLContext:
        """A server-side SSL context whose certificate names `host` (ASCII / punycode)."""
        host = host.lower()
        with self._lock:
            ctx = self._contexts.get(host)
            if ctx is not None:
                return ctx
            chain = Path(self._dir.name) / f"{len(self._contexts):06d}.pem"
            chain.write_bytes(self._leaf_pem(host))
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(chain, self._leaf_key_path)
            # HTTP/1.1 only: the tunnel speaks plain HTTP/1.1 inside TLS.
            ctx.set_alpn_protocols(["http/1.1"])
            self._contexts[host] = ctx
            return ctx

    def close(self) -> None:
        self._dir.cleanup()

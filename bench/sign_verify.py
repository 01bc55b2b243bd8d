"""Sign and verify throughput for edXML packages with 10 KB, 1 MB and 50 MB attachments,
next to xmlsec1 doing the same work in the same run.

    .venv/bin/python -m bench.sign_verify [--sizes 10K,1M,50M] [--repeat N]

The gateway is timed in-process (parse with the hardened parser + sign + serialise; parse +
full verification with chain, CRL revocation and binding); xmlsec1 is timed as the command
line tool (its process start and key loading included, as it would be used).
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gateway.security.binding import BindingPolicy, EmbeddedIdentifierRule
from gateway.security.devpki import init_dev_pki
from gateway.security.keysource_file import load_pem_key_source
from gateway.security.revocation import RevocationChecker, RevocationConfig
from gateway.security.signer import sign_package
from gateway.security.trust import TrustEvaluator, TrustStore
from gateway.security.verifier import Verifier

ORGAN = "000.00.00.G12"
SIZES = {"10K": 10 * 1024, "1M": 1024 * 1024, "50M": 50 * 1024 * 1024}
TEMPLATE = (
    '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>'
    '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>'
    '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>'
    '<ds:Reference URI=""><ds:Transforms>'
    '<ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>'
    '<ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms>'
    '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/>'
    "</ds:Reference></ds:SignedInfo><ds:SignatureValue/>"
    "<ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>"
)


def package(size: int) -> bytes:
    content = base64.b64encode(os.urandom(size)).decode("ascii")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">
  <edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">
    <edXML:edXMLHeader>
      <edXML:MessageHeader>
        <edXML:From><edXML:OrganId>{ORGAN}</edXML:OrganId></edXML:From>
        <edXML:To><edXML:OrganId>000.00.00.G22</edXML:OrganId></edXML:To>
        <edXML:Subject>Đo thời gian ký số gói tin có tệp đính kèm lớn</edXML:Subject>
      </edXML:MessageHeader>
      <edXML:TraceHeaderList>
        <edXML:TraceHeader><edXML:OrganId>{ORGAN}</edXML:OrganId>
        <edXML:Timestamp>2025/04/01 10:00:00</edXML:Timestamp></edXML:TraceHeader>
      </edXML:TraceHeaderList>
    </edXML:edXMLHeader>
  </edXML:edXMLEnvelope>
  <AttachmentEncoded><Attachment><ContentId>cid:1</ContentId>
  <ContentTransferEncoded>{content}</ContentTransferEncoded></Attachment></AttachmentEncoded>
</edXML>
""".encode()


def best(repeat: int, fn: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _run(cmd: list[str]) -> None:
    subprocess.run(cmd, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10K,1M,50M")
    parser.add_argument("--repeat", type=int, default=0, help="0: 20/5/2 by size")
    args = parser.parse_args()
    xmlsec = shutil.which("xmlsec1")
    work = Path(tempfile.mkdtemp(prefix="bench-sign-"))
    pki, _ = init_dev_pki(work / "pki")
    key = load_pem_key_source(pki.org_key(ORGAN), pki.org_cert(ORGAN), [pki.intermediate_cert])
    checker = RevocationChecker(
        RevocationConfig(crl_files=(pki.crl_dir / "intermediate.crl", pki.crl_dir / "root.crl"))
    )
    verifier = Verifier(
        TrustEvaluator(TrustStore.from_files([pki.ca_cert]), revocation=checker),
        BindingPolicy(default=EmbeddedIdentifierRule()),
    )
    rows = []
    for label in args.sizes.split(","):
        size = SIZES[label]
        repeat = args.repeat or {"10K": 20, "1M": 5}.get(label, 2)
        data = package(size)
        signed = sign_package(data, key)
        assert verifier.verify(signed).ok
        g_sign = best(repeat, lambda d=data: sign_package(d, key))
        g_verify = best(repeat, lambda s=signed: verifier.verify(s))
        x_sign = x_verify = float("nan")
        if xmlsec:
            anchor = b"</edXML:TraceHeaderList>"
            tmpl = work / f"{label}.tmpl.xml"
            tmpl.write_bytes(data.replace(anchor, anchor + TEMPLATE.encode(), 1))
            ours = work / f"{label}.signed.xml"
            ours.write_bytes(signed)
            out = work / f"{label}.xmlsec.xml"
            keyspec = f"{pki.org_key(ORGAN)},{pki.org_cert(ORGAN)},{pki.intermediate_cert}"
            sign_cmd = [xmlsec, "--sign", "--privkey-pem", keyspec, "--output", str(out), str(tmpl)]
            verify_cmd = [
                xmlsec,
                "--verify",
                "--trusted-pem",
                str(pki.ca_cert),
                "--untrusted-pem",
                str(pki.intermediate_cert),
                str(ours),
            ]
            x_sign = best(repeat, lambda c=sign_cmd: _run(c))
            x_verify = best(repeat, lambda c=verify_cmd: _run(c))
        rows.append((label, len(data), g_sign, x_sign, g_verify, x_verify))
    print(
        f"{'size':>5} {'package':>10} {'sign gw':>9} {'sign xs':>9} {'ratio':>6} "
        f"{'verify gw':>10} {'verify xs':>10} {'ratio':>6} {'MB/s verify':>11}"
    )
    for label, length, gs, xs, gv, xv in rows:
        print(
            f"{label:>5} {length / 1e6:>8.2f}MB {gs * 1000:>7.1f}ms {xs * 1000:>7.1f}ms "
            f"{gs / xs:>6.2f} {gv * 1000:>8.1f}ms {xv * 1000:>8.1f}ms {gv / xv:>6.2f} "
            f"{length / 1e6 / gv:>11.1f}"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

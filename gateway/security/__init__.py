"""Signing and trust for edXML packages.

Public entry points (see docs/security.md):

* :func:`gateway.security.signer.sign_package` / :func:`~gateway.security.signer.sign_tree`
  with a :class:`gateway.security.keys.KeySource` (PEM, PKCS#12, PKCS#11);
* :class:`gateway.security.verifier.Verifier` returning a
  :class:`gateway.security.result.VerificationResult`;
* :class:`gateway.security.trust.TrustEvaluator` (chain, key usage, revocation policy) and
  :class:`gateway.security.binding.BindingPolicy` (certificate ↔ sending agency);
* :mod:`gateway.security.factory` builds all of them from :class:`gateway.config.Settings`;
* :mod:`gateway.security.devpki` generates the development PKI.
"""

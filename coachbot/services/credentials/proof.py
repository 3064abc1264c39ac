"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa).

Both the document (without its proof) and the proof's options (with the document's
``@context``) are canonicalised with RDFC-1.0 (URDNA2015) to N-Quads; the signature is Ed25519
over SHA-256(proof options) || SHA-256(document). Canonicalising the RDF, not the JSON, is what
lets any conforming verifier check the proof whatever order or spacing the JSON arrives in.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pyld import jsonld

from coachbot.services.credentials import multibase
from coachbot.services.credentials.loader import load

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"


class ProofError(ValueError):
    """The proof is missing, malformed or of a kind we do not check; ``str`` says which."""


def canonize(document: dict[str, Any]) -> str:
    """RDFC-1.0 N-Quads of ``document``, contexts from the package only."""
    return str(
        jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": load,
                "safe": True,  # a term no context defines is an error, never silently dropped
            },
        )
    )


def hash_data(document: dict[str, Any], options: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical proof options, then of the canonical document."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in options.items() if k != "proofValue"}
    config["@context"] = copy.deepcopy(document.get("@context"))
    return (
        hashlib.sha256(canonize(config).encode()).digest()
        + hashlib.sha256(canonize(unsigned).encode()).digest()
    )


def sign(
    document: dict[str, Any], key: Ed25519PrivateKey, verification_method: str, created: str
) -> dict[str, Any]:
    """A copy of ``document`` with its proof."""
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(hash_data(document, options))
    signed = {k: v for k, v in document.items() if k != "proof"}
    signed["proof"] = {**options, "proofValue": multibase.encode(signature)}
    return signed


@dataclass(frozen=True)
class ProofOptions:
    verification_method: str
    created: str | None


def read_proof(document: dict[str, Any]) -> tuple[dict[str, Any], ProofOptions]:
    """The one proof this suite checks, or ``ProofError`` saying what is wrong with it."""
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError("it carries several proofs; we check credentials with one")
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError("it carries no proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            f"its proof is of a kind we do not check ({proof.get('type')}, "
            f"{proof.get('cryptosuite')}); we check {PROOF_TYPE} with {CRYPTOSUITE}"
        )
    if proof.get("proofPurpose") != "assertionMethod":
        raise ProofError("its proof is not for asserting a credential")
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise ProofError("its proof names no key")
    created = proof.get("created")
    return proof, ProofOptions(method, created if isinstance(created, str) else None)


def check(document: dict[str, Any], public_key: Ed25519PublicKey) -> None:
    """Raise ``ProofError`` unless the proof verifies with ``public_key``."""
    proof, _ = read_proof(document)
    try:
        signature = multibase.decode(proof.get("proofValue", ""))
    except multibase.MultibaseError as error:
        raise ProofError("its signature is not written the way the suite says") from error
    try:
        data = hash_data(document, proof)
    except jsonld.JsonLdError as error:
        raise ProofError(f"it cannot be read as linked data ({_reason(error)})") from error
    try:
        public_key.verify(signature, data)
    except InvalidSignature as error:
        raise ProofError(
            "the signature does not match: the credential was changed after it was signed, "
            "or signed with another key"
        ) from error


def _reason(error: Exception) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if cause.__class__.__name__ == "UnknownContext":
            return f"it uses a context we do not know: {cause}"
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return str(error).splitlines()[0][:200]

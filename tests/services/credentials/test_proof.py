"""The eddsa-rdfc-2022 suite itself, checked first against the W3C's own test vector: the
specification's key and credential give the specification's signature, byte for byte. Then:
changing any value of a signed credential makes its proof fail."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from hypothesis import given
from hypothesis import strategies as st

from coachbot.services.credentials import multibase, proof

VECTOR = Path(__file__).parents[2] / "fixtures" / "credentials" / "w3c-eddsa-rdfc-2022"


def vector(name: str) -> Any:
    text = (VECTOR / name).read_text()
    return json.loads(text) if name.endswith(".json") else text


def vector_keys() -> tuple[Ed25519PrivateKey, Ed25519PublicKey]:
    pair = vector("keyPair.json")
    secret = multibase.secret_key_bytes(pair["privateKeyMultibase"])
    public = multibase.public_key_bytes(pair["publicKeyMultibase"])
    return (
        Ed25519PrivateKey.from_private_bytes(secret),
        Ed25519PublicKey.from_public_bytes(public),
    )


def test_the_w3c_vector_canonicalises_as_the_specification_says() -> None:
    assert proof.canonize(vector("unsigned.json")) == vector("canonDocDataInt.txt")
    config = vector("proofConfigDataInt.json")
    assert proof.canonize(config) == vector("proofCanonDataInt.txt")


def test_the_w3c_vector_key_and_credential_give_its_own_signature() -> None:
    secret, public = vector_keys()
    signed = vector("signedDataInt.json")
    ours = proof.sign(
        vector("unsigned.json"),
        secret,
        signed["proof"]["verificationMethod"],
        signed["proof"]["created"],
    )
    assert ours == signed  # the same proofValue: "z2YwC8z3ap7yx1nZ..."
    proof.check(signed, public)


def test_the_w3c_credential_changed_fails() -> None:
    _, public = vector_keys()
    signed = vector("signedDataInt.json")
    signed["credentialSubject"]["alumniOf"] = "The School of Counterfeits"
    with pytest.raises(proof.ProofError, match="changed after it was signed"):
        proof.check(signed, public)


def test_base58_round_trips_leading_zeros() -> None:
    for data in (b"", b"\0", b"\0\0\x01", bytes(range(40))):
        assert multibase.b58decode(multibase.b58encode(data)) == data


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every leaf value's path in a JSON document, proof and @context aside (those are the
    suite's own: a changed context is refused as unknown, a changed proof is another test)."""
    if isinstance(node, dict):
        return [
            p for k, v in node.items() if k not in ("proof", "@context")
            for p in _paths(v, (*here, k))
        ]  # fmt: skip
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _paths(v, (*here, i))]
    return [here]


def _changed(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return f"{value}x"


SIGNED = vector("signedDataInt.json")
PATHS = _paths(SIGNED)


@given(st.sampled_from(PATHS))
def test_changing_any_value_of_the_w3c_credential_fails(path: tuple[Any, ...]) -> None:
    _, public = vector_keys()
    document = copy.deepcopy(SIGNED)
    node = document
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = _changed(node[path[-1]])
    with pytest.raises(proof.ProofError):
        proof.check(document, public)

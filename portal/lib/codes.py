"""Random codes in Crockford base 32: location codes and receipt codes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 16  # 16 characters x 5 bits = 80 bits
LOCATION_CODE_LENGTH = 10  # 50 bits: unguessable, still short enough for a URL on a poster
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def encode(data: bytes, length: int) -> str:
    """The first `length` base-32 digits of `data`."""
    number = int.from_bytes(data, "big")
    bits = len(data) * 8
    digits = []
    for index in range(length):
        shift = bits - 5 * (index + 1)
        digits.append(ALPHABET[(number >> shift) & 31])
    return "".join(digits)


def random_code(length: int) -> str:
    """A random code of `length` base-32 digits."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_location_code() -> str:
    return random_code(LOCATION_CODE_LENGTH)


def normalize(text: str) -> str:
    """Upper-case, drop spaces and dashes, read O as 0 and I/L as 1, as Crockford intends."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t")
    return cleaned.translate(_CONFUSABLE)


def group(code: str, size: int = 4) -> str:
    """K7QF92MX4HDP8WTA -> K7QF-92MX-4HDP-8WTA, for reading aloud."""
    return "-".join(code[i : i + size] for i in range(0, len(code), size))


def receipt_for(secret: str, nonce: str) -> str:
    """The receipt code of a submission: derived from its one-time form nonce.

    Deriving it (instead of storing it) lets a repeated submission show the first
    receipt again while the database holds only a keyed hash of the code.
    """
    digest = hmac.new(secret.encode(), b"receipt|" + nonce.encode(), hashlib.sha256).digest()
    return encode(digest[:10], RECEIPT_LENGTH)


def receipt_hash(secret: str, code: str) -> str:
    """The keyed hash stored for a receipt code (after normalising what was typed)."""
    message = b"receipt-hash|" + normalize(code).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def submission_key(nonce: str) -> str:
    """What the database keeps of a form nonce: enough to spot a resubmission."""
    return hashlib.sha256(b"submission|" + nonce.encode()).hexdigest()


def looks_like_receipt(text: str) -> bool:
    code = normalize(text)
    return len(code) == RECEIPT_LENGTH and all(ch in ALPHABET for ch in code)


def keyed_hash(secret: str, label: str, text: str) -> str:
    """A keyed hash (HMAC-SHA256, hex) of `text` for the use `label`: what the database keeps
    of a secret it must recognise later but never read back (one-time account links)."""
    return hmac.new(secret.encode(), f"{label}|{text}".encode(), hashlib.sha256).hexdigest()

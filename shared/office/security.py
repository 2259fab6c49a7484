"""PIN hashing: a slow salted scrypt hash; PINs are never stored or logged in clear."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from shared.errors import InvalidInputError

# scrypt cost: about 50 ms per check on an office PC, 16 MiB of memory.
_N, _R, _P = 2**14, 8, 1


def hash_pin(pin: str) -> str:
    check_pin_format(pin)
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_hex, digest_hex = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    digest = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt_hex), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(digest.hex(), digest_hex)


def check_pin_format(pin: str) -> None:
    if not (pin.isdigit() and 4 <= len(pin) <= 12):
        raise InvalidInputError("Mã PIN phải gồm 4 đến 12 chữ số", "a PIN must be 4 to 12 digits")

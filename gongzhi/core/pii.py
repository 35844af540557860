"""Personal information (PIPL; DESIGN.md § Personal information).

ID and phone numbers are encrypted at rest with AES-GCM, looked up through a keyed
hash (blind index), masked on the server, and revealed only to roles allowed to,
with an audit event for each reveal.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

_PREFIX = "v1:"


@lru_cache(maxsize=4)
def _keys(master: bytes) -> tuple[AESGCM, bytes]:
    def derive(info: bytes) -> bytes:
        return HKDF(algorithm=SHA256(), length=32, salt=None, info=info).derive(master)

    return AESGCM(derive(b"gongzhi field encryption")), derive(b"gongzhi blind index")


def encrypt(plain: str) -> str:
    aead, _ = _keys(settings.FIELD_KEY)
    nonce = os.urandom(12)
    return _PREFIX + base64.b64encode(nonce + aead.encrypt(nonce, plain.encode(), None)).decode()


def encrypt_many(plains: list[str]) -> list[str]:
    """`encrypt` for a batch (bulk loads): the same format, each value with its own random
    nonce; the nonces come from one `os.urandom` call instead of one system call each."""
    aead, _ = _keys(settings.FIELD_KEY)
    nonces = os.urandom(12 * len(plains))
    seal, b64 = aead.encrypt, base64.b64encode
    out = []
    for i, plain in enumerate(plains):
        nonce = nonces[12 * i : 12 * i + 12]
        out.append(_PREFIX + b64(nonce + seal(nonce, plain.encode(), None)).decode())
    return out


def decrypt(token: str) -> str:
    if not token.startswith(_PREFIX):
        raise ValueError("not an encrypted field value")
    aead, _ = _keys(settings.FIELD_KEY)
    # What base64.b64decode does for a str, without its wrapper: every row of an export
    # decrypts two values (core/exports.py).
    raw = binascii.a2b_base64(token[len(_PREFIX) :])
    return aead.decrypt(raw[:12], raw[12:], None).decode()


def normalise_id_number(value: str) -> str:
    return re.sub(r"\s", "", value or "").upper()


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s\-]", "", value or "")
    return digits[3:] if digits.startswith("+86") else digits


@lru_cache(maxsize=4)
def _hmac_pads(key: bytes) -> tuple[Any, Any]:
    # HMAC-SHA256 (RFC 2104) with the keyed inner and outer states computed once: the same
    # digest as hmac.new(key, msg, sha256), at a third of the cost per value (bulk loads).
    block = (
        key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest().ljust(64, b"\0")
    )
    return (
        hashlib.sha256(bytes(b ^ 0x36 for b in block)),
        hashlib.sha256(bytes(b ^ 0x5C for b in block)),
    )


def blind_index(value: str, *, kind: str) -> str:
    """Keyed hash for equality look-ups and uniqueness without storing the number in clear."""
    _, key = _keys(settings.FIELD_KEY)
    inner, outer = _hmac_pads(key)
    h = inner.copy()
    h.update(f"{kind}:{value}".encode())
    o = outer.copy()
    o.update(h.digest())
    return o.hexdigest()[:40]


def blind_index_many(values: list[str], *, kind: str) -> list[str]:
    """`blind_index` of each value (bulk loads)."""
    _, key = _keys(settings.FIELD_KEY)
    inner, outer = _hmac_pads(key)
    out = []
    for value in values:
        h = inner.copy()
        h.update(f"{kind}:{value}".encode())
        o = outer.copy()
        o.update(h.digest())
        out.append(o.hexdigest()[:40])
    return out


def mask_id_number(value: str | None) -> str:
    """430405********1234: keeps the division code and the last four characters."""
    if not value:
        return ""
    if len(value) <= 10:
        return value[:2] + "*" * max(len(value) - 4, 0) + value[-2:]
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str | None) -> str:
    """138****5678."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


MASKERS = {"id_number": mask_id_number, "phone": mask_phone}


def mask(value: str | None, kind: str) -> str:
    return MASKERS[kind](value)


def decryptor(*, mask: str | None = None) -> Any:
    """`decrypt` with the key bound once, "" for an empty value (as `EncryptedCharField`
    reads it), masked as `mask` says when given: exports read the stored values and decrypt
    two per row (core/exports.py)."""
    aead, _ = _keys(settings.FIELD_KEY)
    open_, a2b, start = aead.decrypt, binascii.a2b_base64, len(_PREFIX)
    masker = MASKERS[mask] if mask else None

    def decrypt_one(token: str) -> str:
        if not token:
            return ""
        if not token.startswith(_PREFIX):
            raise ValueError("not an encrypted field value")
        raw = a2b(token[start:])
        plain = open_(raw[:12], raw[12:], None).decode()
        return masker(plain) if masker else plain

    return decrypt_one


class EncryptedCharField(models.TextField):
    """Stores AES-GCM ciphertext; Python code sees the clear value.

    `pii_kind` ("id_number" or "phone") chooses the mask and normaliser. Pair it with a
    `<name>_bidx` CharField filled through `blind_index` for look-ups.
    """

    def __init__(self, *args: Any, pii_kind: str = "id_number", **kwargs: Any) -> None:
        self.pii_kind = pii_kind
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["pii_kind"] = self.pii_kind
        return name, path, args, kwargs

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if not value:
            return ""
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return ""
        if isinstance(value, str) and value.startswith(_PREFIX):
            return value
        return encrypt(str(value))


def bidx_for(value: str, kind: str) -> str:
    norm = normalise_id_number(value) if kind == "id_number" else normalise_phone(value)
    return blind_index(norm, kind=kind) if norm else ""


def reveal(*, actor: Any, obj: models.Model, field: str) -> str:
    """The clear value of one personal field, for a role allowed to see it; audited either way."""
    from gongzhi.core import audit

    allowed = getattr(actor, "is_authenticated", False) and actor.has_perm("core.reveal_pii", obj)
    audit.record(
        actor=actor,
        action="pii.reveal",
        obj=obj,
        result="success" if allowed else "denied",
        after={"field": field},
    )
    if not allowed:
        raise PermissionDenied(_("无权查看完整的个人信息"))
    return getattr(obj, field) or ""

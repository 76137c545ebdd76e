"""SHA-256 without paying for OpenSSL when there is little to hash.

``import hashlib`` loads OpenSSL's libcrypto: about 3 ms, a thirtieth of a
pre-commit run that hashes a few kilobytes (the cache key, the file, finding
fingerprints). CPython's own built-in SHA-256 imports in a tenth of that but
hashes about five times slower. So :func:`sha256` uses hashlib when something
already imported it, the built-in module for the first few hundred kilobytes,
and hashlib from then on (a run over thousands of files). The digests are the
same either way: SHA-256 is SHA-256.

:func:`hmac_sha256` is HMAC (RFC 2104) over the same choice: the ``hmac``
module imports OpenSSL too. :func:`keyed_blake2b` is the MAC of the results cache's
shards, which a warm run reads by the megabyte, and :func:`blake2b_256` digests its keys.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from hashlib import _Hash

# Bytes hashed with the built-in module before switching to OpenSSL for good.
_BUILTIN_BUDGET = 256 * 1024
_hashed = 0


@functools.lru_cache(maxsize=None)  # a failed import searches sys.path again on every call
def _builtin() -> Callable[[bytes], _Hash] | None:
    builtin: Callable[[bytes], _Hash]
    # By version, not by trying one then the other: a failed import searches all of sys.path.
    # typeshed describes neither private module; both return a hashlib-compatible object.
    try:
        if sys.version_info >= (3, 12):
            from _sha2 import sha256 as builtin  # type: ignore[import-not-found,no-redef,unused-ignore]  # CPython 3.12+ (HACL*)
        else:
            from _sha256 import sha256 as builtin  # type: ignore[import-not-found,no-redef,unused-ignore]  # CPython 3.11 and older
    except ImportError:  # a build without built-in hashes (FIPS): OpenSSL only
        return None
    return builtin


def sha256(data: bytes = b"") -> _Hash:
    """A ``hashlib.sha256``-compatible object over ``data``."""
    return _constructor(len(data))(data)


def _constructor(size: int) -> Callable[[bytes], _Hash]:
    """The SHA-256 constructor for hashing ``size`` more bytes."""
    global _hashed
    if sys.modules.get("hashlib") is None and _hashed + size <= _BUILTIN_BUDGET:
        builtin = _builtin()
        if builtin is not None:
            _hashed += size
            return builtin
    import hashlib  # see the module docstring: OpenSSL's import only for large inputs

    return hashlib.sha256


_BLOCK = 64  # SHA-256's block size in bytes
_INNER = bytes(b ^ 0x36 for b in range(256))  # translation tables: every key byte XOR ipad / opad
_OUTER = bytes(b ^ 0x5C for b in range(256))


def hmac_sha256(key: bytes, message: bytes) -> bytes:
    """``hmac.new(key, message, hashlib.sha256).digest()``, without importing OpenSSL for small messages."""
    new = _constructor(len(message) + 3 * _BLOCK)
    if len(key) > _BLOCK:
        key = new(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = new(key.translate(_INNER))
    inner.update(message)
    return new(key.translate(_OUTER) + inner.digest()).digest()


def keyed_blake2b(key: bytes, message: bytes) -> bytes:
    """BLAKE2b in keyed mode (a MAC by design, RFC 7693), 32 bytes, for keys of up to 64 bytes.

    In software it runs about half the instructions of SHA-256 per byte (callgrind: 14 against
    30 on a 4 MB message), and CPython builds it in (``_blake2``), so it never loads OpenSSL:
    the cache authenticates every shard a run reads, megabytes for a warm run."""
    return _blake2b()(message, key=key, digest_size=32).digest()


def blake2b_256(data: bytes = b"") -> _Hash:
    """A ``hashlib.blake2b(data, digest_size=32)`` object: the results cache's keys (its scope,
    a plan's content). The module is the MAC's (:func:`keyed_blake2b`), so a run whose only
    hashing is the cache's loads no other (the built-in SHA-256 is a shared library of its own),
    and it hashes in half SHA-256's instructions."""
    return _blake2b()(data, digest_size=32)


def _blake2b() -> Callable[..., Any]:  # typeshed types _blake2.blake2b as a class, not a hash constructor
    try:
        from _blake2 import blake2b  # start-up: only when something is authenticated or keyed
    except ImportError:  # pragma: no cover - an interpreter without CPython's _blake2
        from hashlib import blake2b  # start-up: as above
    return blake2b


try:  # what hmac.compare_digest is without OpenSSL; importing hmac would load it
    from _operator import _compare_digest as same_digest
except ImportError:  # pragma: no cover - an interpreter without CPython's _operator
    import hmac

    same_digest = hmac.compare_digest

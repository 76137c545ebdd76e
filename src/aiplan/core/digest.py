"""SHA-256 without paying for OpenSSL when there is little to hash.

``import hashlib`` loads OpenSSL's libcrypto: about 3 ms, a thirtieth of a
pre-commit run that hashes a few kilobytes (the cache key, the file, finding
fingerprints). CPython's own built-in SHA-256 imports in a tenth of that but
hashes about five times slower. So :func:`sha256` uses hashlib when something
already imported it, the built-in module for the first few hundred kilobytes,
and hashlib from then on (a run over thousands of files). The digests are the
same either way: SHA-256 is SHA-256.

:func:`hmac_sha256` is HMAC (RFC 2104) over the same choice: the ``hmac``
module imports OpenSSL too. It is also the MAC of the results cache's shards, which a warm
run reads by the megabyte: OpenSSL's SHA-256 runs on the CPU's SHA extensions where it has
them, three times the speed of CPython's keyed BLAKE2b (reference C) on the machines we
measure (callgrind cannot tell: valgrind hides those instructions, so it counts the software
SHA-256). :func:`blake2b_256` digests the cache's keys.
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


def hmac_sha256(key: bytes, message: bytes, *more: "bytes | memoryview") -> bytes:
    """``hmac.new(key, message + b"".join(more), hashlib.sha256).digest()``, without importing
    OpenSSL for small messages. The parts in ``more`` are hashed where they lie, never joined:
    the results cache authenticates a shard's megabytes after its prefix (a ``memoryview``)."""
    new = _constructor(len(message) + sum(map(len, more)) + 3 * _BLOCK)
    if len(key) > _BLOCK:
        key = new(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = new(key.translate(_INNER))
    inner.update(message)
    for part in more:
        inner.update(part)
    return new(key.translate(_OUTER) + inner.digest()).digest()


def blake2b_256(data: bytes = b"") -> _Hash:
    """A ``hashlib.blake2b(data, digest_size=32)`` object: the results cache's keys (its scope,
    a plan's content). CPython builds the module in, so digesting a few keys loads no shared
    library."""
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

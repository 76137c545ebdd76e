"""SHA-256 without paying for OpenSSL when there is little to hash.

``import hashlib`` loads OpenSSL's libcrypto: about 3 ms, a thirtieth of a
pre-commit run that hashes a few kilobytes (the cache key, the file, finding
fingerprints). CPython's own built-in SHA-256 imports in a tenth of that but
hashes about five times slower. So :func:`sha256` uses hashlib when something
already imported it, the built-in module for the first few hundred kilobytes,
and hashlib from then on (a run over thousands of files). The digests are the
same either way: SHA-256 is SHA-256.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from hashlib import _Hash

# Bytes hashed with the built-in module before switching to OpenSSL for good.
_BUILTIN_BUDGET = 256 * 1024
_hashed = 0


def _builtin() -> Callable[[bytes], _Hash] | None:
    builtin: Callable[[bytes], _Hash]
    try:
        # typeshed describes neither private module; both return a hashlib-compatible object.
        from _sha2 import sha256 as builtin  # type: ignore[import-not-found,no-redef,unused-ignore]  # CPython 3.12+ (HACL*)
    except ImportError:
        try:
            from _sha256 import sha256 as builtin  # type: ignore[import-not-found,no-redef,unused-ignore]  # CPython 3.11 and older
        except ImportError:  # a build without built-in hashes (FIPS): OpenSSL only
            return None
    return builtin


def sha256(data: bytes = b"") -> _Hash:
    """A ``hashlib.sha256``-compatible object over ``data``."""
    global _hashed
    if sys.modules.get("hashlib") is None and _hashed + len(data) <= _BUILTIN_BUDGET:
        builtin = _builtin()
        if builtin is not None:
            _hashed += len(data)
            return builtin(data)
    import hashlib  # see the module docstring: OpenSSL's import only for large inputs

    return hashlib.sha256(data)

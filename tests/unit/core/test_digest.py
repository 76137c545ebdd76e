"""aiplan.core.digest.sha256 is SHA-256, whichever implementation computes it."""

import hashlib
import hmac

from aiplan.core import digest


def test_same_digest_as_hashlib(monkeypatch):
    for size in (0, 1, 63, 64, 5000, 300_000):
        data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
        assert digest.sha256(data).hexdigest() == hashlib.sha256(data).hexdigest()
        monkeypatch.setattr(digest, "_hashed", 0)
        monkeypatch.delitem(__import__("sys").modules, "hashlib", raising=False)
        assert digest.sha256(data).digest() == hashlib.sha256(data).digest()


def test_large_inputs_go_to_openssl(monkeypatch):
    monkeypatch.setattr(digest, "_hashed", digest._BUILTIN_BUDGET)
    monkeypatch.delitem(__import__("sys").modules, "hashlib", raising=False)
    assert type(digest.sha256(b"abc")).__module__ in ("_hashlib", "hashlib")


def test_hmac_is_the_standard_hmac_sha256(monkeypatch):
    keys = (b"", b"k", bytes(range(32)), bytes(range(64)), bytes(range(65)), bytes(200))
    messages = (b"", b"abc", bytes(range(256)) * 20)
    for key in keys:
        for message in messages:
            expected = hmac.new(key, message, hashlib.sha256).digest()
            assert digest.hmac_sha256(key, message) == expected
            monkeypatch.setattr(digest, "_hashed", 0)  # the built-in SHA-256, as in a fresh process
            monkeypatch.delitem(__import__("sys").modules, "hashlib", raising=False)
            assert digest.hmac_sha256(key, message) == expected
            monkeypatch.undo()
    assert digest.same_digest(b"ab", b"ab") and not digest.same_digest(b"ab", b"ac")



def test_hmac_hashes_its_parts_as_one_message():
    # The cache's MAC hashes a shard after its prefix, as a view, without joining them.
    key = bytes(range(32))
    message = bytes(range(256)) * 2000
    expected = hmac.new(key, b"head\0" + message, hashlib.sha256).digest()
    assert digest.hmac_sha256(key, b"head\0", memoryview(message)) == expected
    assert digest.hmac_sha256(key, b"he", b"ad\0", b"", message) == expected
    assert digest.hmac_sha256(key, b"head\0", message[1:]) != expected


def test_small_inputs_use_cpythons_built_in_sha256_of_this_version():
    # The module is picked by version (3.12 renamed it _sha2): a wrong pick would fall back to OpenSSL.
    import sys

    builtin = digest._builtin()
    assert builtin is not None
    assert type(builtin(b"")).__module__ == ("_sha2" if sys.version_info >= (3, 12) else "_sha256")


def test_the_cache_key_digest_is_blake2b_of_32_bytes():
    for data in (b"", b"abc", bytes(range(256)) * 20):
        assert digest.blake2b_256(data).hexdigest() == hashlib.blake2b(data, digest_size=32).hexdigest()

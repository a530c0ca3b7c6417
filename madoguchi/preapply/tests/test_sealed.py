"""The QR code format: sealing, parts, and every way a code is refused. Pure: no database."""

import base64
import json
import os
import zlib
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nacl.public import PublicKey, SealedBox

from madoguchi.preapply import base45, keyring, sealed
from madoguchi.preapply.sealed import CodeRefused, Reason

NOW = datetime(2025, 11, 26, 1, 0, tzinfo=UTC)
MAX_AGE = timedelta(days=14)
PAIR = keyring.generate(now=NOW)
OTHER = keyring.generate(now=NOW)
KEYS = {PAIR.kid: PAIR.private_key}
CONTENT = {"procedures": ["juki.move_in"], "identity": {"name": "髙﨑　𠮷太郎"}}


def seal(content=CONTENT, *, pair=PAIR, at=NOW):
    return sealed.seal(content, public_key=pair.public_key, created_at=at)


def unseal(texts, *, now=NOW, keys=KEYS):
    return sealed.unseal(texts, private_keys=keys, now=now, max_age=MAX_AGE)


def refused(texts, **kwargs) -> CodeRefused:
    with pytest.raises(CodeRefused) as caught:
        unseal(texts, **kwargs)
    return caught.value


def big_content(size: int) -> dict:
    # Random bytes in Base64 compress back to about their own size: ``size`` bytes of room.
    return {"answers": {"note": base64.b64encode(os.urandom(size)).decode()}}


def test_a_sealed_code_opens_with_the_office_key_and_keeps_its_time_and_content():
    texts = seal()
    assert len(texts) == 1 and texts[0].startswith(f"MDGPRE1:{PAIR.kid}:")
    opened = unseal(texts)
    assert opened.content == CONTENT
    assert opened.created_at == NOW and opened.key_id == PAIR.kid


def test_the_code_is_alphanumeric_so_qr_stores_it_densely():
    import segno

    text = seal(big_content(1000))[0]
    assert set(text) <= set(base45.ALPHABET)
    code = segno.make(text, error="m")
    assert code.mode == "alphanumeric" and code.version <= 20


def test_large_content_is_split_into_parts_that_open_in_any_order():
    texts = seal(big_content(1500))
    assert len(texts) == 3
    assert [t.split(":")[3] for t in texts] == ["1/3", "2/3", "3/3"]
    assert unseal(list(reversed(texts))).content == unseal(texts).content
    assert unseal([texts[2], texts[0], texts[1]]).content == unseal(texts).content


def test_content_too_large_for_the_codes_is_refused_when_sealing():
    with pytest.raises(sealed.ContentTooLarge):
        seal(big_content(sealed.MAX_PARTS * sealed.MAX_PART_BYTES))


def test_a_missing_part_is_named():
    texts = seal(big_content(1500))
    collection = sealed.collect([texts[0], texts[2]])
    assert not collection.complete and collection.missing == (2,)
    assert refused([texts[0], texts[2]]).reason == Reason.INCOMPLETE


def test_the_same_part_scanned_twice_counts_once():
    texts = seal(big_content(1500))
    assert unseal([texts[0], texts[0], *texts[1:]]).content == unseal(texts).content


def test_parts_of_two_codes_are_not_joined():
    first, second = seal(big_content(1500)), seal(big_content(1500))
    assert refused([first[0], second[1], first[2]]).reason == Reason.MIXED


def test_a_scanner_that_sends_no_line_break_between_parts_is_understood():
    texts = seal(big_content(1500))
    parts = sealed.split_parts("".join(texts) + "\r\n")
    assert parts == texts
    assert sealed.split_parts("\n".join(texts)) == texts


def test_caps_lock_on_the_scanner_does_not_matter():
    assert unseal([seal()[0].lower()]).content == CONTENT


@pytest.mark.parametrize("cut", [1, 2, 10, 100])
def test_a_truncated_code_is_refused_as_truncated(cut):
    text = seal()[0]
    assert refused([text[:-cut]]).reason == Reason.TRUNCATED


def test_a_header_cut_short_is_refused_as_truncated():
    assert refused([seal()[0][:20]]).reason == Reason.TRUNCATED


def test_a_changed_data_character_is_refused_as_tampered():
    text = seal()[0]
    header, data = text.rsplit(":", 1)[0], text.split(":", 5)[5]
    for position in (0, len(data) // 2, len(data) - 2):
        swapped = "1" if data[position] != "1" else "2"
        changed = f"{header}:{data[:position]}{swapped}{data[position + 1:]}"
        assert refused([changed]).reason in (Reason.TAMPERED, Reason.DAMAGED)


def test_a_box_changed_consistently_with_its_checksum_still_fails_the_seal():
    # Someone who recomputes the set id after changing the data: the authenticator catches it.
    text = seal()[0]
    fields = text.split(":", 5)
    box = bytearray(base45.decode(fields[5]))
    box[-1] ^= 0x01
    forged = ":".join([*fields[:2], sealed._short_id(bytes(box)), *fields[3:5], base45.encode(bytes(box))])
    error = refused([forged])
    assert error.reason == Reason.TAMPERED and "seal" in error.detail


def test_a_code_made_for_another_office_is_refused_as_unknown_key():
    error = refused(seal(pair=OTHER))
    assert error.reason == Reason.UNKNOWN_KEY


def test_a_foreign_code_relabelled_with_our_key_id_does_not_open():
    text = seal(pair=OTHER)[0].replace(OTHER.kid, PAIR.kid, 1)
    assert refused([text]).reason == Reason.TAMPERED


def test_a_code_older_than_the_maximum_age_is_refused_as_expired():
    texts = seal(at=NOW - MAX_AGE - timedelta(minutes=1))
    assert refused(texts).reason == Reason.EXPIRED
    assert unseal(seal(at=NOW - MAX_AGE + timedelta(minutes=1))).content == CONTENT


def test_a_code_from_the_future_is_refused():
    assert refused(seal(at=NOW + timedelta(hours=1))).reason == Reason.NOT_YET_VALID


def _box_of(plain: bytes, pair=PAIR) -> list[str]:
    """A code holding ``plain`` as it is (what anyone with the public key can make)."""
    box = SealedBox(PublicKey(pair.public_key)).encrypt(plain)
    return [f"MDGPRE1:{pair.kid}:{sealed._short_id(box)}:1/1:{len(box)}:{base45.encode(box)}"]


@pytest.mark.parametrize("plain", [
    b"\x02" + zlib.compress(b"{}"),  # unknown content version
    b"\x01not zlib",
    b"\x01" + zlib.compress(b"not json"),
    b"\x01" + zlib.compress(b"[1, 2]"),
    b"\x01" + zlib.compress(b"[" * 100000 + b"]" * 100000),  # nesting deep enough to overflow the parser
    b"\x01" + zlib.compress(json.dumps({"kid": PAIR.kid, "created": "yesterday"}).encode()),
])
def test_content_that_is_not_a_pre_application_is_refused_as_invalid(plain):
    assert refused(_box_of(plain)).reason == Reason.INVALID


def test_a_compression_bomb_is_not_inflated():
    bomb = b"\x01" + zlib.compress(b"{" + b" " * (4 * 1024 * 1024) + b"}", 9)
    assert len(bomb) < sealed.MAX_PART_BYTES * sealed.MAX_PARTS - sealed.SEAL_OVERHEAD
    assert refused(_box_of(bomb)).reason == Reason.INVALID


def test_a_key_id_inside_that_differs_from_the_header_is_refused():
    plain = b"\x01" + zlib.compress(json.dumps({"kid": "AAAAAAAA", "created": int(NOW.timestamp())}).encode())
    assert refused(_box_of(plain)).reason == Reason.TAMPERED


@pytest.mark.parametrize("text", [
    "", "hello", "MDGNAV1|move_in|2026-04-01|juki.move_in", "https://example.org/", "MDGPRE2:X",
    "MDGPRE1:ABCDEFGH:ABCDEFGH:0/1:100:AA", "MDGPRE1:ABCDEFGH:ABCDEFGH:2/1:100:AA",
    "MDGPRE1:ABCDEFGH:ABCDEFGH:1/1:999999999:AA", "MDGPRE1:abc:ABCDEFGH:1/1:100:AA",
])
def test_text_that_is_no_code_is_refused_with_a_reason(text):
    assert isinstance(refused([text]).reason, Reason)


def _mutations():
    text = seal()[0]
    return st.one_of(
        st.text(max_size=300),
        st.text(alphabet=base45.ALPHABET + "|", max_size=300).map(lambda t: "MDGPRE1:" + t),
        st.integers(min_value=0, max_value=len(text)).map(lambda n: text[:n]),
        st.tuples(st.integers(min_value=0, max_value=len(text) - 1), st.sampled_from(base45.ALPHABET)).map(
            lambda change: text[:change[0]] + change[1] + text[change[0] + 1:]),
    )


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_mutations(), min_size=1, max_size=3))
def test_any_text_either_opens_or_is_refused_with_a_reason(texts):
    try:
        opened = unseal(texts)
    except CodeRefused as error:
        assert isinstance(error.reason, Reason)
    else:
        assert opened.content == CONTENT  # only the untouched code (or a no-op change) opens

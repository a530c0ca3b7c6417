import pytest
from hypothesis import given
from hypothesis import strategies as st

from madoguchi.preapply import base45


@pytest.mark.parametrize(("data", "text"), [
    (b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0"), (b"", ""),
])
def test_the_rfc_9285_examples_encode_and_decode(data, text):
    assert base45.encode(data) == text
    assert base45.decode(text) == data


@given(st.binary(max_size=600))
def test_every_byte_string_comes_back(data):
    text = base45.encode(data)
    assert set(text) <= set(base45.ALPHABET)
    assert base45.decode(text) == data


@pytest.mark.parametrize("text", ["GGW", "A", "abc", "ZZZZ", ":::"])
def test_text_no_encoding_gives_is_refused(text):
    with pytest.raises(ValueError):
        base45.decode(text)

"""The QR text reception scans: short, versioned, only codes, and refused clearly when malformed."""

from datetime import date

import pytest

from madoguchi.navigator.qr import Selection, decode_selection, encode_selection

CODES = ("juki.move_in", "nhi.enroll", "kosodate.child_allowance")


def test_the_text_is_the_format_event_date_and_codes():
    text = encode_selection("move_in", date(2026, 4, 1), CODES)
    assert text == "MDGNAV1|move_in|2026-04-01|juki.move_in,nhi.enroll,kosodate.child_allowance"


def test_decoding_gives_back_the_selection():
    text = encode_selection("move_in", date(2026, 4, 1), CODES)
    assert decode_selection(text) == Selection("move_in", date(2026, 4, 1), CODES)


def test_a_scanners_trailing_line_break_is_ignored():
    assert decode_selection("MDGNAV1|birth|2026-05-02|koseki.birth\r\n").procedure_codes == ("koseki.birth",)


@pytest.mark.parametrize(("text", "message"), [
    ("", "not a navigator QR code"),
    ("https://example.org/", "not a navigator QR code"),
    ("MDGNAV2|move_in|2026-04-01|juki.move_in", "not a navigator QR code"),
    ("MDGNAV1|move_in|2026-04-01", "has 3"),
    ("MDGNAV1|move_in|2026-04-01|juki.move_in|x", "has 5"),
    ("MDGNAV1|move_in|01/04/2026|juki.move_in", "is not a date"),
    ("MDGNAV1|move_in|2026-02-30|juki.move_in", "does not exist"),
    ("MDGNAV1|Move In|2026-04-01|juki.move_in", "life event 'Move In'"),
    ("MDGNAV1|move_in|2026-04-01|", "no procedure codes"),
    ("MDGNAV1|move_in|2026-04-01|juki.move_in,JUKI", "procedure code 'JUKI'"),
    ("MDGNAV1|move_in|2026-04-01|juki.move_in,juki.move_in", "listed twice: juki.move_in"),
])
def test_a_malformed_text_is_refused_saying_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        decode_selection(text)


def test_nothing_is_encoded_without_a_procedure():
    with pytest.raises(ValueError, match="no procedure codes"):
        encode_selection("move_in", date(2026, 4, 1), [])


def test_the_text_of_a_large_family_stays_short():
    codes = [f"proc.p{n}" for n in range(20)]
    assert len(encode_selection("move_in", date(2026, 4, 1), codes)) < 200

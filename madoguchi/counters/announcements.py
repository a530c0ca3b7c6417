"""What the call display says aloud besides Japanese and English: the visitor's interpreter language
(the need reception recorded), so a visitor who reads neither hears their number in their own. Pure.

Each sentence was written for how the office's own counters speak in that language (a ticket is
번호/号/Số/Senha …), not translated word by word. Japanese Sign Language is not spoken: the board shows
the number. A language without a sentence here is simply not announced in addition.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Announcement:
    text: str
    speech_lang: str  # the BCP 47 tag the browser's speech synthesis is asked for


# {ticket}, {floor}, {number} are filled in; the ticket is read as printed.
SENTENCES: dict[str, tuple[str, str]] = {
    "zh": ("请{ticket}号到{floor}楼{number}号窗口办理。", "zh-CN"),
    "ko": ("{ticket}번 고객님, {floor}층 {number}번 창구로 와 주십시오.", "ko-KR"),
    "vi": ("Xin mời số {ticket} đến quầy số {number}, tầng {floor}.", "vi-VN"),
    "ne": ("टिकट नम्बर {ticket}, कृपया {floor} तल्लाको {number} नम्बर काउन्टरमा आउनुहोस्।", "ne-NP"),
    "tl": ("Numero {ticket}, pumunta po kayo sa counter {number} sa ika-{floor} palapag.", "fil-PH"),
    "pt": ("Senha {ticket}, por favor dirija-se ao guichê {number}, no {floor}º andar.", "pt-BR"),
    "es": ("Número {ticket}, por favor pase a la ventanilla {number} del piso {floor}.", "es-ES"),
    "my": ("နံပါတ် {ticket} ရှိသူ၊ {floor} ထပ်ရှိ ကောင်တာ {number} သို့ ကြွပါ။", "my-MM"),
}


def announcement(language: str, *, ticket: str, floor: int, number: str) -> Announcement | None:
    """The call in the visitor's interpreter ``language``, or None (none asked, English, sign language)."""
    found = SENTENCES.get(language or "")
    if found is None:
        return None
    sentence, speech_lang = found
    return Announcement(sentence.format(ticket=ticket, floor=floor, number=number), speech_lang)

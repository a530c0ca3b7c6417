"""Base45 (RFC 9285): bytes as text in the QR code's alphanumeric alphabet. Pure: no Django.

A QR code stores its alphanumeric mode (``0-9 A-Z`` space ``$%*+-./:``) at 5.5 bits a character,
so two bytes as three Base45 characters cost 16.5 bits: about 23% more data per code than
Base64 in byte mode. Thirty lines, so no dependency for it.
"""

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {ch: index for index, ch in enumerate(ALPHABET)}


def encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        e, n = divmod(n, 45 * 45)
        d, c = divmod(n, 45)
        out.append(ALPHABET[c] + ALPHABET[d] + ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out.append(ALPHABET[c] + ALPHABET[d])
    return "".join(out)


def decode(text: str) -> bytes:
    """The bytes of ``text``; ``ValueError`` for a character outside the alphabet, a length that no
    encoding gives (3k + 1) or a group worth more than its bytes can hold."""
    if len(text) % 3 == 1:
        raise ValueError("a Base45 text cannot be 3k+1 characters long")
    try:
        values = [_VALUE[ch] for ch in text]
    except KeyError as error:
        raise ValueError(f"character {error.args[0]!r} is not Base45") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i:i + 3]
        n = sum(v * 45**k for k, v in enumerate(group))
        if len(group) == 3:
            if n > 0xFFFF:
                raise ValueError("a Base45 group is too large for two bytes")
            out += n.to_bytes(2, "big")
        else:
            if n > 0xFF:
                raise ValueError("a Base45 pair is too large for one byte")
            out.append(n)
    return bytes(out)

"""Short notices to residents (SMS, e-mail) through pluggable senders.

A sender is a small class with one method; the setting ``RESIDENT_NOTICE_SENDERS`` names the class for
each channel (``"sms"``, ``"email"``), so a ward plugs in its own SMS gateway without touching the
product::

    # myward/sms.py
    from madoguchi.core.senders import Notice, SendFailed

    class GatewaySender:
        channel = "sms"

        def send(self, notice: Notice) -> None:
            # notice.to: the phone number as the resident typed it, digits only ("09012345678");
            # notice.text: the whole message, in the resident's language, at most 300 characters.
            response = post_to_the_gateway(notice.to, notice.text)   # the ward's gateway, its timeout
            if not response.ok:
                raise SendFailed(f"gateway answered {response.status}")

    RESIDENT_NOTICE_SENDERS = {"sms": "myward.sms.GatewaySender", "email": "madoguchi.core.senders.email.EmailSender"}

A channel missing from the setting is not offered to residents. ``send`` is called after the change
that made the notice due has been committed, on a thread of its own (``core.background``: the clerk's
request does not wait for the gateway); it should give up within the gateway's own timeout and
raise ``SendFailed`` when the message did not go: the failure is logged (without the address) and the
notice is not tried again for that counter — nor is one whose worker was killed while it was being
sent (it was claimed first: never sent twice). It must not log the address or the text.
"""

import functools
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Notice:
    channel: str  # "sms" or "email"
    to: str  # a phone number (digits, a leading + kept) or an e-mail address
    subject: str  # for e-mail; an SMS gateway may ignore it
    text: str
    language: str  # the language the text is written in (ja, en, zh-hans …)


class SendFailed(Exception):
    """The notice did not go (the gateway refused it, timed out …)."""


class Sender(Protocol):
    channel: str

    def send(self, notice: Notice) -> None: ...


@functools.cache
def _sender(path: str) -> Sender:
    return import_string(path)()


def sender_for(channel: str) -> Sender | None:
    """The configured sender of ``channel``, or None when the ward offers no such channel."""
    path = getattr(settings, "RESIDENT_NOTICE_SENDERS", {}).get(channel)
    return _sender(path) if path else None


def channels() -> list[str]:
    """The channels residents may choose, in the setting's order."""
    return [channel for channel, path in getattr(settings, "RESIDENT_NOTICE_SENDERS", {}).items() if path]

"""For development and demos: a notice is written to the log instead of being sent (the address
masked: a development log is still a log)."""

import logging

from . import Notice

logger = logging.getLogger("madoguchi.notices")


def _masked(notice: Notice) -> str:
    if notice.channel == "email":
        local, _at, domain = notice.to.partition("@")
        return f"{local[:1]}…@{domain}"
    return "…" + notice.to[-4:]


class ConsoleSmsSender:
    channel = "sms"

    def send(self, notice: Notice) -> None:
        logger.info("SMS to %s (%s): %s", _masked(notice), notice.language, notice.text)


class ConsoleEmailSender:
    channel = "email"

    def send(self, notice: Notice) -> None:
        logger.info("e-mail to %s (%s): %s — %s", _masked(notice), notice.language, notice.subject, notice.text)

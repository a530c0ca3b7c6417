"""E-mail through Django's own e-mail backend (``EMAIL_BACKEND``, ``EMAIL_HOST`` …, ``DEFAULT_FROM_EMAIL``)."""

from django.core.mail import EmailMessage

from . import Notice, SendFailed


class EmailSender:
    channel = "email"

    def send(self, notice: Notice) -> None:
        message = EmailMessage(subject=notice.subject, body=notice.text, to=[notice.to],
                               headers={"Content-Language": notice.language})
        try:
            sent = message.send(fail_silently=False)
        except OSError as error:  # smtplib's errors are OSErrors: connection refused, timed out, refused recipient
            raise SendFailed(type(error).__name__) from error
        if not sent:
            raise SendFailed("the e-mail backend sent nothing")

"""What the clerk (or resident) is told when a code or a booking is refused: one message per reason."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .sealed import Reason

CODE_MESSAGES = {
    Reason.NOT_A_CODE: _("This is not a pre-application code."),
    Reason.MALFORMED: _("The code's header does not read: it is not a pre-application code of this office, or it "
                        "is damaged. Scan it again."),
    Reason.TRUNCATED: _("The code was cut short: part of it is missing. Scan it again slowly; if it still fails, "
                        "the resident fills in the forms at the counter."),
    Reason.DAMAGED: _("The code is damaged: it holds characters no pre-application code has. Scan it again."),
    Reason.MIXED: _("These parts belong to different pre-applications. Start again and scan the parts of one code."),
    Reason.UNKNOWN_KEY: _("This code was made with a key this office does not hold (another office's code, or a key "
                          "retired long ago). It cannot be opened here."),
    Reason.TAMPERED: _("This code was changed after it was made, so it is refused. Nothing was registered."),
    Reason.EXPIRED: _("This pre-application is older than %(days)d days and has expired. The resident fills in the "
                      "forms at the counter or makes a new pre-application."),
    Reason.NOT_YET_VALID: _("This code's date lies in the future, so it is refused."),
    Reason.INVALID: _("The code opened, but what it holds is not a valid pre-application, so it is refused."),
    Reason.INCOMPLETE: _("Not every part of the code has been scanned."),
}
NAVIGATOR_CODE = _("This is a navigator code, not a pre-application: scan it on the reception page.")


class PreapplicationRefused(ValidationError):
    """A pre-application code that cannot be used, with the message for the clerk. Nothing from it
    is stored."""

    def __init__(self, reason: Reason, message):
        super().__init__(message, code=str(reason))
        self.reason = reason


class AppointmentRefused(ValidationError):
    """A booking, change, cancellation or check-in that cannot be done, with the message for the
    resident or the clerk."""

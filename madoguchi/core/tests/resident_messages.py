"""The messages residents read: every string of the resident pages, the route sheet and the status page.

The resident languages beyond Japanese, English and やさしい日本語 (Chinese, Korean, Vietnamese, Nepali)
translate these, not the staff screens. They are found the way ``makemessages`` finds messages
(templates turned into code by Django's ``templatize``, then GNU xgettext), over the files below.
A new resident page adds its templates and modules here; the completeness test then asks for its
strings in every resident language.
"""

import subprocess
import tempfile
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import templatize

ROOT = Path(settings.BASE_DIR)

RESIDENT_FILES = [
    # the frame, errors and shared parts of every resident page
    "madoguchi/core/templates/resident_base.html",
    "madoguchi/core/templates/403.html",
    "madoguchi/core/templates/404.html",
    "madoguchi/core/templates/core/_language_switch.html",
    "madoguchi/core/templates/core/_field.html",
    "madoguchi/core/templates/core/public_home.html",
    "madoguchi/core/templates/core/accessibility.html",
    "madoguchi/core/templates/core/_refused.html",
    "madoguchi/core/templates/core/refused.html",
    "madoguchi/core/forms.py",
    "madoguchi/core/mynumber.py",
    "madoguchi/core/views.py",
    "madoguchi/core/dates.py",
    # floor guide, congestion and its forecast
    "madoguchi/catalog/templates/catalog/floor_guide.html",
    "madoguchi/counters/templates/counters/congestion.html",
    "madoguchi/counters/templates/counters/_congestion_body.html",
    "madoguchi/insights/templates/insights/forecast_public.html",
    "madoguchi/insights/templates/insights/_forecast_body.html",
    # the navigator
    "madoguchi/navigator/templates/navigator/*.html",
    "madoguchi/navigator/pages.py",
    "madoguchi/navigator/questionnaire.py",
    "madoguchi/navigator/wording.py",
    "madoguchi/navigator/selectors.py",
    "madoguchi/navigator/views.py",
    "madoguchi/navigator/ages.py",
    # appointments and pre-application
    "madoguchi/preapply/templates/preapply/appointments.html",
    "madoguchi/preapply/templates/preapply/booked.html",
    "madoguchi/preapply/templates/preapply/form.html",
    "madoguchi/preapply/templates/preapply/manage.html",
    "madoguchi/preapply/templates/preapply/result.html",
    "madoguchi/preapply/templates/preapply/slots.html",
    "madoguchi/preapply/templates/preapply/start.html",
    "madoguchi/preapply/templates/preapply/too_many.html",
    "madoguchi/preapply/templates/preapply/unavailable.html",
    "madoguchi/preapply/entry_forms.py",
    "madoguchi/preapply/application.py",
    "madoguchi/preapply/refusals.py",
    "madoguchi/preapply/schedule.py",
    "madoguchi/preapply/slots.py",
    "madoguchi/preapply/views_appointments.py",
    "madoguchi/preapply/views_preapply.py",
    # the route sheet, my ticket and the status page
    "madoguchi/reception/templates/reception/_route_sheet.html",
    "madoguchi/reception/templates/reception/status.html",
    "madoguchi/reception/templates/reception/_status_body.html",
    "madoguchi/reception/templates/reception/_status_gone.html",
    "madoguchi/reception/templates/reception/status_unknown.html",
    "madoguchi/reception/templates/reception/ticket_lookup.html",
    "madoguchi/reception/forms_public.py",
    "madoguchi/reception/views_public.py",
    "madoguchi/reception/notices.py",
    # the visitor survey
    "madoguchi/surveys/templates/surveys/answer.html",
    "madoguchi/surveys/templates/surveys/closed.html",
    "madoguchi/surveys/templates/surveys/too_many.html",
    "madoguchi/surveys/forms.py",
    "madoguchi/surveys/views.py",
]

KEYWORDS = ["gettext_noop", "gettext_lazy", "ngettext_lazy:1,2", "pgettext:1c,2", "npgettext:1c,2,3",
            "pgettext_lazy:1c,2", "npgettext_lazy:1c,2,3", "_", "gettext", "ngettext:1,2"]


def resident_paths() -> list[Path]:
    paths = []
    for pattern in RESIDENT_FILES:
        found = sorted(ROOT.glob(pattern))
        assert found, f"{pattern} names no file: a resident page moved? update RESIDENT_FILES"
        paths.extend(found)
    return paths


@cache
def resident_msgids() -> frozenset[tuple[str | None, str]]:
    """(msgctxt, msgid) of every message in the resident files."""
    from madoguchi.core.tests.test_translations import messages, read_po

    with tempfile.TemporaryDirectory() as work:
        sources = []
        for index, path in enumerate(resident_paths()):
            text = path.read_text(encoding="utf-8")
            if path.suffix == ".html":
                text = templatize(text, origin=str(path))
            source = Path(work) / f"{index:03d}_{path.stem}.py"
            source.write_text(text, encoding="utf-8")
            sources.append(str(source))
        out = Path(work) / "resident.pot"
        subprocess.run(["xgettext", "--language=Python", "--from-code=UTF-8", "--force-po", "-o", str(out),
                        *[f"--keyword={k}" for k in KEYWORDS], *sources], check=True, capture_output=True)
        return frozenset((e.msgctxt, e.msgid) for e in messages(read_po(out)))

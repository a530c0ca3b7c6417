"""The forms every page uses: Django's, with the individual-number guard at the boundary.

``GuardedForm`` looks at what the person *typed* — each field's raw value, before any cleaning —
and refuses, at that field, anything that holds an individual number (``core.mynumber``), whatever
the field is (a memo, a name, a login, a booking contact). The refused value is blanked in the
bound data, so the page shown again does not echo it, and the rest of what was typed is kept.

Every form of the product inherits from ``Form`` or ``ModelForm`` here (a test walks them all), and
the views that show such forms are marked ``@form_guarded`` so the boundary middleware lets their
posts through to the field-level refusal instead of refusing the whole request.
"""

from collections.abc import Callable

from django import forms

from .mynumber import REFUSAL, find_individual_numbers
from .text import CONTROL_CHARACTER_REFUSAL, has_control_characters

FORM_GUARDED_ATTR = "madoguchi_form_guarded"


class GuardedFormMixin:
    """Refuse an individual number typed into any field of the form (see the module docstring)."""

    def _clean_fields(self):
        super()._clean_fields()
        if not self.is_bound:
            return
        refused = []
        for name, field in self.fields.items():
            raw = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
            if isinstance(raw, str):
                texts = [raw]
            elif isinstance(raw, list | tuple):  # multiple choices, split date fields
                texts = [v for v in raw if isinstance(v, str)]
            else:  # a checkbox answers a bool, a file field an upload: nothing typed
                texts = []
            if any(find_individual_numbers(text) for text in texts):
                refused.append((name, REFUSAL, "individual_number"))
            elif any(has_control_characters(text) for text in texts):
                refused.append((name, CONTROL_CHARACTER_REFUSAL, "control_character"))
        if not refused:
            return
        self.data = self.data.copy()  # a QueryDict is immutable: blank the refused values in a copy
        for name, message, code in refused:
            self.add_error(name, forms.ValidationError(message, code=code))
            for key in list(self.data):
                if key == self.add_prefix(name) or key.startswith(self.add_prefix(name) + "_"):
                    self.data[key] = ""


class Form(GuardedFormMixin, forms.Form):
    pass


class ModelForm(GuardedFormMixin, forms.ModelForm):
    pass


def refused_individual_number(*forms_: forms.BaseForm) -> bool:
    """Whether any of these (validated) forms refused an individual number at one of its fields."""
    return any(error.code == "individual_number" for form in forms_ for errors in form.errors.as_data().values()
               for error in errors)


def without_individual_numbers(data):
    """``data`` (a QueryDict) with every value that holds an individual number blanked: for a page that
    shows back what was typed without judging it yet (an added row), so it never echoes one."""
    clean = data.copy()
    for key, values in data.lists():
        if any(find_individual_numbers(value) for value in values):
            clean.setlist(key, [""])
    return clean


def form_guarded(view: Callable) -> Callable:
    """Mark a view whose posted text is checked field by field by its ``GuardedForm`` forms."""
    setattr(view, FORM_GUARDED_ATTR, True)
    return view

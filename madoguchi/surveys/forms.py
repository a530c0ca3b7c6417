"""The survey as an HTML form, built from a version's definition in the resident's language."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from madoguchi.catalog.surveys import Texts
from madoguchi.core.forms import Form

from .questions import Question


def text_in(texts: dict | None, language: str | None = None) -> str:
    return Texts.model_validate(texts).in_language(language or get_language()) if texts else ""


class SurveyForm(Form):
    """One field per question asked (named by the question's code). Radio buttons and check boxes, never
    a drop-down: large targets, readable by a screen reader as one group with its question."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q.code: q for q in questions}
        for question in questions:
            self.fields[question.code] = self._field(question)

    @staticmethod
    def _field(question: Question) -> forms.Field:
        d = question.definition
        common = {"label": text_in(d["label"]), "required": question.required,
                  "help_text": text_in(d.get("help"))}
        if question.kind in ("single", "multiple"):
            choices = [(o["code"], text_in(o["label"])) for o in d["options"]]
            if question.kind == "single":
                return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
        if question.kind == "scale":
            low_label, high_label = text_in(d.get("low_label")), text_in(d.get("high_label"))
            choices = []
            for point in range(question.low, question.high + 1):
                label = str(point)
                if point == question.low and low_label:
                    label = f"{point}（{low_label}）"
                elif point == question.high and high_label:
                    label = f"{point}（{high_label}）"
                choices.append((str(point), label))
            return forms.TypedChoiceField(choices=choices, coerce=int, empty_value=None,
                                          widget=forms.RadioSelect, **common)
        return forms.CharField(max_length=question.max_length, widget=forms.Textarea(attrs={"rows": 4}),
                               **common)

    def answers(self) -> dict:
        return {code: value for code, value in self.cleaned_data.items() if value not in (None, "", [])}

    def add_service_error(self, field: str, message: str) -> None:
        code = field.removeprefix("answers.")
        self.add_error(code if code in self.fields else None, message)


class TicketForm(Form):
    """The exit tablet: the visitor's ticket number (番号札) of today."""

    ticket_number = forms.CharField(label=_("Ticket number"), max_length=12,
                                    help_text=_("As printed on the ticket, e.g. A-023."))

"""``POST /api/v1/navigator/evaluate``: the navigator as a public JSON API (no login, rate-limited).

Unknown fields and values are refused with 422 naming them; names and reasons come in the
request's language (``Accept-Language``: Japanese unless English or やさしい日本語 is asked for).

The member schema is derived from the vocabulary (``madoguchi.catalog.eligibility.MEMBER_INPUTS``),
as the rule engine's ``Member`` is: one declaration, no copy to keep in step. The life events are
the catalogue's (data, not code), so they are checked against it when a request comes.
"""

from datetime import date
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Router
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, model_validator

from madoguchi.catalog.eligibility import EVENT_FACTS, MAX_AGE, MEMBER_INPUTS, PLACES
from madoguchi.core.errors import DomainError
from madoguchi.core.throttle import SharedAnonRateThrottle

from . import selectors, services
from .ages import age_on
from .models import NavigatorUsage
from .rules import Answers, Member, evaluate

router = Router(tags=["navigator"])

# Per client address; a ward behind a proxy sets NINJA_NUM_PROXIES so the address is the visitor's.
EVALUATE_RATE = "60/m"
MAX_EVENTS = 4
MAX_MEMBERS = 20
EARLIEST_BIRTH = date(1890, 1, 1)

LifeEventCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Place = Literal[PLACES]  # type: ignore[valid-type]


# Plain pydantic models, not ninja's Schema: ninja's Schema reads every field through a Django-aware
# getter, which costs more than the whole evaluation for a household of 8 (see bench/bench_navigator.py).
class _MemberBase(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="after")
    def _has_an_age(self):
        if getattr(self, "age", None) is None and getattr(self, "birth_date", None) is None:
            raise ValueError("give age or birth_date")
        return self


def _annotation(fact) -> Any:
    if fact.kind == "choice":
        return Literal[fact.choices]  # type: ignore[valid-type]
    if fact.kind == "number":
        return Annotated[int, Field(ge=0, le=MAX_AGE)]
    if fact.kind == "date":
        return date
    return bool


def _member_schema() -> type[BaseModel]:
    """The API's member: every fact of the vocabulary a caller may give, with its default."""
    fields: dict[str, Any] = {}
    for fact in MEMBER_INPUTS:
        annotation = _annotation(fact)
        if fact.required:
            fields[fact.name] = (annotation, Field(description=fact.description))
        elif fact.default is None:
            fields[fact.name] = (annotation | None, Field(default=None, description=fact.description))
        else:
            fields[fact.name] = (annotation, Field(default=fact.default, description=fact.description))
    return create_model("MemberIn", __base__=_MemberBase, **fields)


MemberIn = _member_schema()


class EvaluateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    life_event: LifeEventCode | None = Field(default=None, description="One life event (or give life_events).")
    life_events: list[LifeEventCode] | None = Field(
        default=None, min_length=1, max_length=MAX_EVENTS,
        description="Several life events of one visit, evaluated together (e.g. marriage and move_in).",
    )
    event_date: date
    moved_from: Place | None = Field(default=None, description=EVENT_FACTS["moved_from"].description)
    moving_to: Place | None = Field(default=None, description=EVENT_FACTS["moving_to"].description)
    household: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _one_way_to_name_the_events(self):
        if self.life_event is None and not self.life_events:
            raise ValueError("give life_event (or life_events)")
        if self.life_event is not None and self.life_events:
            raise ValueError("give life_event or life_events, not both")
        return self

    def events(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.life_events or [self.life_event]))


class NavigatorDepartmentOut(BaseModel):
    code: str
    name: str


class NavigatorCounterOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # from selectors.CounterPlace
    code: str
    name: str
    site: str
    floor: int
    number: str


class NavigatorProcedureOut(BaseModel):
    code: str
    name: str
    required: bool
    reasons: list[str] = Field(description="Why, naming the member; says what was assumed when only an age was "
                                           "given and the school year could not be told.")
    department: NavigatorDepartmentOut
    counter: NavigatorCounterOut | None
    documents: list[str]
    fee_yen: int
    fee_note: str = Field(description="Other fees beside fee_yen, if any.")
    deadline: date | None
    online: str | None = Field(description="Where it can be done online instead, if it can.")


class EvaluateOut(BaseModel):
    procedures: list[NavigatorProcedureOut]


def _language(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", "ja") or "ja"
    return language if language in ("en", "ja-easy") else "ja"


def _check_against_the_catalogue(payload: EvaluateIn, book) -> None:
    """What the schema cannot know: the catalogue's life events and the facts they ask, and whether
    each member's age and birth date fit the event date. Raises DomainError naming the field."""
    field = "life_event" if payload.life_event is not None else "life_events"
    known = sorted(book.life_events)
    for index, code in enumerate(payload.events()):
        if code not in book.life_events:
            raise DomainError(_("Unknown life event %(event)s (known: %(known)s)."),
                              field=field if field == "life_event" else f"life_events.{index}",
                              event=code, known=", ".join(known))
    asked = book.asks_of(payload.events())
    for name in EVENT_FACTS:
        value = getattr(payload, name)
        if name in asked and value is None:
            raise DomainError(_("Required for these life events."), field=name)
        if name not in asked and value is not None:
            raise DomainError(_("Not asked for these life events."), field=name)
    for index, member in enumerate(payload.household):
        birth = member.birth_date
        if birth is None:
            continue
        if not EARLIEST_BIRTH <= birth <= payload.event_date:
            raise DomainError(_("The birth date must be on or before the event date."),
                              field=f"household.{index}.birth_date")
        if member.age is not None and member.age != age_on(birth, payload.event_date):
            raise DomainError(_("On the event date, someone born on this day is %(age)d, not %(given)d."),
                              field=f"household.{index}.age", age=age_on(birth, payload.event_date),
                              given=member.age)


@router.post(
    "/navigator/evaluate", response=EvaluateOut, auth=None, throttle=[SharedAnonRateThrottle(EVALUATE_RATE)],
    summary="Every procedure a household needs for one or several life events",
)
def evaluate_household(request, payload: EvaluateIn):
    """The household's answers in (the situation before the event), the procedures out: required
    or optional, why (naming the member), where, what to bring, the fee, the deadline as a date and
    the online route. Nothing sent is stored; the call is counted anonymously."""
    book = selectors.navigator_rulebook()
    _check_against_the_catalogue(payload, book)
    events = payload.events()
    answers = Answers(
        life_events=events, event_date=payload.event_date,
        household=tuple(Member(**member.model_dump()) for member in payload.household),
        moved_from=payload.moved_from, moving_to=payload.moving_to,
    )
    findings = evaluate(answers, book)
    services.navigator_usage_record(life_event=services.usage_key(events), channel=NavigatorUsage.Channel.API)
    cards = selectors.procedure_cards(findings=findings, language=_language(request))
    return {"procedures": [
        {
            "code": card.code, "name": card.name, "required": card.required, "reasons": list(card.reasons),
            "department": {"code": card.department_code, "name": card.department},
            "counter": card.counter, "documents": list(card.documents), "fee_yen": card.fee_yen,
            "fee_note": card.fee_note, "deadline": card.deadline, "online": card.online_url or None,
        }
        for card in cards
    ]}

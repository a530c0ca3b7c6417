"""``POST /api/v1/navigator/evaluate``: the navigator as a public JSON API (no login, rate-limited).

Unknown fields and values are refused with 422 naming them; names and reasons come in the
request's language (``Accept-Language``: Japanese unless English or やさしい日本語 is asked for).
"""

from datetime import date
from typing import Literal

from ninja import Router, Schema
from ninja.throttling import AnonRateThrottle
from pydantic import ConfigDict, Field, ValidationInfo, field_validator

from madoguchi.catalog.eligibility import EVENT_FACTS, INSURANCES, LIFE_EVENTS, PLACES, RELATIONS

from . import selectors, services
from .models import NavigatorUsage
from .rules import Answers, Member, evaluate

router = Router(tags=["navigator"])

# Per client address; a ward behind a proxy sets NINJA_NUM_PROXIES so the address is the visitor's.
EVALUATE_RATE = "60/m"

LifeEventCode = Literal[LIFE_EVENTS]  # type: ignore[valid-type]
Place = Literal[PLACES]  # type: ignore[valid-type]
RelationCode = Literal[RELATIONS]  # type: ignore[valid-type]
Insurance = Literal[INSURANCES]  # type: ignore[valid-type]


class MemberIn(Schema):
    model_config = ConfigDict(extra="forbid")

    relation: RelationCode
    age: int = Field(ge=0, le=130)
    insurance: Insurance
    has_mynumber_card: bool = False
    disability_certificate: bool = False
    care_certified: bool = False
    attends_nursery: bool = False
    civil_servant: bool = False
    pension_recipient: bool = False
    resident_taxpayer: bool = False
    name_changes: bool = False
    deceased: bool = False
    newborn: bool = False


class EvaluateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    life_event: LifeEventCode
    event_date: date
    moved_from: Place | None = Field(
        default=None, validate_default=True, description="Where the household moved from: required for move_in only."
    )
    moving_to: Place | None = Field(
        default=None, validate_default=True, description="Where the household moves to: required for move_out only."
    )
    household: list[MemberIn] = Field(min_length=1, max_length=20)

    @field_validator("moved_from", "moving_to")
    @classmethod
    def belongs_to_the_event(cls, value, info: ValidationInfo):
        life_event = info.data.get("life_event")
        if life_event is None:  # already refused
            return value
        events = EVENT_FACTS[info.field_name].events
        if life_event in events and value is None:
            raise ValueError(f"required for life_event {life_event}")
        if life_event not in events and value is not None:
            raise ValueError(f"applies only to life_event {', '.join(events)}")
        return value


class DepartmentOut(Schema):
    code: str
    name: str


class CounterOut(Schema):
    code: str
    name: str
    site: str
    floor: int
    number: str


class ProcedureOut(Schema):
    code: str
    name: str
    required: bool
    reasons: list[str]
    department: DepartmentOut
    counter: CounterOut | None
    documents: list[str]
    fee_yen: int
    deadline: date | None
    online: str | None = Field(description="Where it can be done online instead, if it can.")


class EvaluateOut(Schema):
    procedures: list[ProcedureOut]


def _language(request) -> str:
    language = getattr(request, "LANGUAGE_CODE", "ja") or "ja"
    return language if language in ("en", "ja-easy") else "ja"


@router.post(
    "/navigator/evaluate", response=EvaluateOut, auth=None, throttle=[AnonRateThrottle(EVALUATE_RATE)],
    summary="Every procedure a household needs for a life event",
)
def evaluate_household(request, payload: EvaluateIn):
    """The household's answers in, the procedures out: required or optional, why (naming the
    member), where, what to bring, the fee, the deadline as a date and the online route.
    Nothing sent is stored; the call is counted anonymously."""
    answers = Answers(
        life_event=payload.life_event, event_date=payload.event_date,
        household=tuple(Member(**member.model_dump()) for member in payload.household),
        moved_from=payload.moved_from, moving_to=payload.moving_to,
    )
    findings = evaluate(answers, selectors.navigator_rulebook())
    services.navigator_usage_record(life_event=payload.life_event, channel=NavigatorUsage.Channel.API)
    cards = selectors.procedure_cards(findings=findings, language=_language(request))
    return {"procedures": [
        {
            "code": card.code, "name": card.name, "required": card.required, "reasons": list(card.reasons),
            "department": {"code": card.department_code, "name": card.department},
            "counter": card.counter, "documents": list(card.documents), "fee_yen": card.fee_yen,
            "deadline": card.deadline, "online": card.online_url or None,
        }
        for card in cards
    ]}

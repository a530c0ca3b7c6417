"""Visitor survey definitions (``catalog/surveys/*.yaml``): their shape and checks. Pure: no Django.

A survey is data: questions of four kinds (``single``, ``multiple``, ``scale``, ``text``) with labels in
Japanese, English and やさしい日本語, and conditions (``when``: ask this only if an earlier question was
answered with one of these options). The loader gives every distinct definition a version: changing a
survey makes a new version, and each response keeps the version it answered.
"""

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, model_validator

from .translations import text_in
from .yamlsource import Located, Problem, YamlSyntaxError, dotted, read_yaml

CODE = r"^[a-z0-9][a-z0-9_]*$"
QuestionCode = Annotated[str, StringConstraints(pattern=CODE, max_length=40)]
SurveyCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=40)]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
KINDS = ("single", "multiple", "scale", "text")


class Texts(BaseModel):
    """One text in every language the resident pages speak (``ja_easy``: やさしい日本語)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    ja: Label
    en: Label
    ja_easy: Label

    def in_language(self, language: str | None) -> str:
        language = (language or "ja").lower().replace("ja_easy", "ja-easy")
        return text_in(language, ja=self.ja, en=self.en, easy=self.ja_easy)


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: QuestionCode
    label: Texts


class Condition(BaseModel):
    """Ask only if ``question`` (an earlier single or multiple question) was answered with one of ``any_of``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: QuestionCode
    any_of: list[QuestionCode] = Field(min_length=1)


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: QuestionCode
    kind: Literal["single", "multiple", "scale", "text"]
    label: Texts
    help: Texts | None = None
    short: Texts | None = None  # the name of a table's row (the service, for awareness and convenience)
    options: list[Option] = []
    # scale: the lowest and highest point, and what they mean
    low: int = Field(default=1, ge=0, le=10)
    high: int = Field(default=5, ge=1, le=10)
    low_label: Texts | None = None
    high_label: Texts | None = None
    max_length: int = Field(default=1000, ge=1, le=4000)  # text
    required: bool = False
    # Ask only when one of these holds (a single mapping is one condition).
    when: list[Condition] = []
    # What the analysis groups by (a service's awareness, age band, smartphone use …).
    role: Literal["", "awareness", "convenience", "satisfaction", "wait_feeling", "age_band", "smartphone",
                  "comment", "reason", "learnt"] = ""
    service: str = Field(default="", max_length=40)  # the digital service an awareness/convenience is about

    @model_validator(mode="before")
    @classmethod
    def _one_condition_is_a_list(cls, data):
        if isinstance(data, dict) and isinstance(data.get("when"), dict):
            data = {**data, "when": [data["when"]]}
        return data

    @model_validator(mode="after")
    def _kind_fits(self) -> "Question":
        if self.kind in ("single", "multiple") and len(self.options) < 2:
            raise ValueError("a single or multiple question needs at least two options")
        if self.kind in ("scale", "text") and self.options:
            raise ValueError(f"a {self.kind} question has no options")
        if self.kind == "scale" and self.low >= self.high:
            raise ValueError("low must be below high")
        codes = [o.code for o in self.options]
        if len(set(codes)) != len(codes):
            raise ValueError("two options share a code")
        return self


class SurveyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: SurveyCode
    title: Texts
    intro: Texts | None = None
    thanks: Texts | None = None
    questions: list[Question] = Field(min_length=1, max_length=60)

    def definition(self) -> dict:
        return self.model_dump(mode="json", exclude_none=True)

    def digest(self) -> str:
        """The same definition gives the same digest; any change (a label, an option) a new one."""
        canonical = json.dumps(self.definition(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SurveyData:
    entry: SurveyEntry
    file: str


class SurveysInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _check_conditions(entry: SurveyEntry, source: Located, problems: list[Problem]) -> None:
    seen: dict[str, Question] = {}
    for index, question in enumerate(entry.questions):
        path = ("survey", "questions", index)
        if question.code in seen:
            problems.append(Problem(source.file, source.line_of((*path, "code")), dotted((*path, "code")),
                                    f"duplicate question code {question.code!r}"))
        for n, condition in enumerate(question.when):
            where = (*path, "when", n, "question")
            if where not in source.lines:  # written as one mapping, not a list
                where = (*path, "when", "question")
            target = seen.get(condition.question)
            if target is None:
                problems.append(Problem(source.file, source.line_of(where), dotted(where),
                                        f"{condition.question!r} is not a question asked before this one"))
            elif target.kind not in ("single", "multiple"):
                problems.append(Problem(source.file, source.line_of(where), dotted(where),
                                        f"{target.code!r} has no options to depend on"))
            else:
                known = {o.code for o in target.options}
                for unknown in [c for c in condition.any_of if c not in known]:
                    place = (*where[:-1], "any_of")
                    problems.append(Problem(source.file, source.line_of(place), dotted(place),
                                            f"{target.code!r} has no option {unknown!r}"))
        seen.setdefault(question.code, question)


def parse_survey(source: Located) -> tuple[SurveyEntry | None, list[Problem]]:
    """One file's survey, or the problems (file, line, field) that refuse it."""
    data = source.data
    if not isinstance(data, dict) or set(data) != {"survey"}:
        return None, [Problem(source.file, source.line_of(()), "", "the file must hold one mapping named 'survey'")]
    try:
        entry = SurveyEntry.model_validate(data["survey"])
    except ValidationError as error:
        problems = []
        for err in error.errors():
            loc = ("survey", *tuple(err["loc"]))
            # pydantic may name a validator branch in the location ("function-after[…]"): not a field
            loc = tuple(part for part in loc if isinstance(part, int) or "[" not in part)
            problems.append(Problem(source.file, source.line_of(loc), dotted(loc), err["msg"]))
        return None, problems
    problems: list[Problem] = []
    _check_conditions(entry, source, problems)
    return (entry if not problems else None), problems


def read_surveys(directory) -> list[SurveyData] | None:
    """Every survey of ``directory/*.yaml``; None when the directory does not exist (a catalogue copied
    without its surveys leaves the loaded ones as they are). Raises ``SurveysInvalid`` with every problem."""
    directory = FilePath(directory)
    if not directory.is_dir():
        return None
    surveys: list[SurveyData] = []
    problems: list[Problem] = []
    codes: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            name = str(path.resolve().relative_to(FilePath.cwd()))
        except ValueError:
            name = str(path)
        try:
            source = read_yaml(path.read_text(encoding="utf-8"), name)
        except UnicodeDecodeError as error:
            problems.append(Problem(name, None, "", f"not UTF-8 text ({error.reason})"))
            continue
        except YamlSyntaxError as error:
            problems.append(error.problem)
            continue
        entry, found = parse_survey(source)
        problems.extend(found)
        if entry is None:
            continue
        if entry.code in codes:
            problems.append(Problem(name, source.line_of(("survey", "code")), "survey.code",
                                    f"duplicate survey code {entry.code!r} (first in {codes[entry.code]})"))
            continue
        codes[entry.code] = name
        surveys.append(SurveyData(entry, name))
    if problems:
        raise SurveysInvalid(problems)
    return surveys

"""The DX skill framework file (``catalog/dx_skills.yaml``): its shape and cross-checks. Pure: no Django.

``parse_framework(Located)`` returns a ``Framework`` or raises ``FrameworkInvalid`` listing every
problem as ``file:line: field: message``, like the catalogue.
"""

from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from madoguchi.catalog.yamlsource import Located, Path, Problem, dotted

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)]
SECTION = "dx_skills"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelEntry(_Strict):
    level: int = Field(ge=1, le=9)
    name_ja: Text
    name_en: Text
    description_ja: LongText = ""
    description_en: LongText = ""


class RoleEntry(_Strict):
    code: Code
    name_ja: Text
    name_en: Text
    description_ja: LongText = ""
    description_en: LongText = ""
    everyone: bool = False
    levels: list[LevelEntry] | None = None


class GradeEntry(_Strict):
    code: Code
    name_ja: Text
    name_en: Text
    aliases: list[Text] = []


class QualificationEntry(_Strict):
    code: Code
    name_ja: Text
    name_en: Text
    roles: list[Code] = []


class FrameworkFile(_Strict):
    levels: list[LevelEntry] = Field(min_length=1)
    roles: list[RoleEntry] = Field(min_length=1)
    grades: list[GradeEntry] = Field(min_length=1)
    qualifications: list[QualificationEntry] = []


@dataclass(frozen=True)
class Framework:
    roles: list[RoleEntry]  # each with its levels filled in (its own or the common ones)
    grades: list[GradeEntry]
    qualifications: list[QualificationEntry]

    def counts(self) -> dict[str, int]:
        return {"roles": len(self.roles), "grades": len(self.grades), "qualifications": len(self.qualifications)}


class FrameworkInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _problem(source: Located, path: Path, message: str) -> Problem:
    return Problem(source.file, source.line_of(path), dotted(path), message)


def _check_levels(source: Located, path: Path, levels: list[LevelEntry], problems: list[Problem]) -> None:
    numbers = [entry.level for entry in levels]
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(_problem(source, path, f"levels must run 1, 2, 3 … in order (found {numbers})"))


def _check_unique(source: Located, section: str, entries: list, problems: list[Problem], *, key=lambda e: e.code,
                  what: str = "code") -> None:
    seen: dict = {}
    for index, entry in enumerate(entries):
        value = key(entry)
        if value in seen:
            problems.append(_problem(source, (SECTION, section, index, what),
                                     f"duplicate {what} {value!r} (first at {section}[{seen[value]}])"))
        seen.setdefault(value, index)


def parse_framework(source: Located) -> Framework:
    if not isinstance(source.data, dict) or SECTION not in source.data:
        raise FrameworkInvalid([Problem(source.file, source.line_of(()), "",
                                        f"the file must hold a {SECTION!r} mapping")])
    try:
        parsed = FrameworkFile.model_validate(source.data[SECTION])
    except ValidationError as error:
        raise FrameworkInvalid([
            _problem(source, (SECTION, *err["loc"]), err["msg"]) for err in error.errors()
        ]) from error
    problems: list[Problem] = []
    _check_levels(source, (SECTION, "levels"), parsed.levels, problems)
    roles = []
    for index, role in enumerate(parsed.roles):
        if role.levels is not None:
            _check_levels(source, (SECTION, "roles", index, "levels"), role.levels, problems)
        roles.append(role if role.levels is not None else role.model_copy(update={"levels": parsed.levels}))
    _check_unique(source, "roles", parsed.roles, problems)
    _check_unique(source, "grades", parsed.grades, problems)
    _check_unique(source, "qualifications", parsed.qualifications, problems)
    names: dict[str, int] = {}
    for index, grade in enumerate(parsed.grades):
        for name in (grade.code, grade.name_ja, *grade.aliases):
            if names.setdefault(name, index) != index:
                problems.append(_problem(source, (SECTION, "grades", index),
                                         f"the name {name!r} is also used by grades[{names[name]}]"))
    role_codes = {role.code for role in parsed.roles}
    for index, qualification in enumerate(parsed.qualifications):
        for position, code in enumerate(qualification.roles):
            if code not in role_codes:
                problems.append(_problem(source, (SECTION, "qualifications", index, "roles", position),
                                         f"unknown role {code!r}"))
    if problems:
        raise FrameworkInvalid(problems)
    return Framework(roles=roles, grades=list(parsed.grades), qualifications=list(parsed.qualifications))

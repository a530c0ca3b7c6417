"""Read YAML keeping the line of every key and list item, so errors can name the place.

Pure: no Django. ``read_yaml(text, filename)`` → ``Located(data, lines)`` where ``lines`` maps a
path such as ``("procedures", 3, "department")`` to its 1-based line number.
"""

import pathlib
from dataclasses import dataclass, field

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """One reason a catalogue is refused: file, line, field (dotted path) and what is wrong."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line else self.file
        where = f" {self.field}:" if self.field else ""
        return f"{place}:{where} {self.message}"


@dataclass
class Located:
    file: str
    data: object
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get(())


def dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class YamlSyntaxError(Exception):
    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int]) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines.setdefault((*path, key), key_node.start_mark.line + 1)
            _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines)


def _failing_scalar_line(node: yaml.Node | None) -> int | None:
    if node is None:
        return None
    if isinstance(node, yaml.ScalarNode):
        if node.tag.endswith(":timestamp"):
            try:
                yaml.SafeLoader("").construct_yaml_timestamp(node)
            except ValueError:
                return node.start_mark.line + 1
        return None
    children = [v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode) else node.value
    for child in children:
        line = _failing_scalar_line(child)
        if line is not None:
            return line
    return None


# libyaml's loader (when PyYAML was built with it) reads the catalogue about four times faster.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(text: str, filename: str) -> Located:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise YamlSyntaxError(Problem(filename, line, "", f"not valid YAML: {error.problem}")) from error
    except yaml.YAMLError as error:
        raise YamlSyntaxError(Problem(filename, None, "", f"not valid YAML: {error}")) from error
    except ValueError as error:
        # A scalar YAML reads as a date but no calendar has (2026-02-30): the constructor raises a bare
        # ValueError without a position, so find the scalar that fails to name its line.
        line = _failing_scalar_line(node)
        raise YamlSyntaxError(Problem(filename, line, "", f"not a valid date: {error}")) from error
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return Located(filename, data, lines)


def read_yaml_directory(directory) -> tuple[list[Located], list[Problem]]:
    """Every ``*.yaml`` of ``directory`` read with positions, and the problems of those that could not
    be read (not UTF-8, not YAML). A missing or empty directory is itself a problem."""
    directory = pathlib.Path(directory)
    files = sorted(directory.glob("*.yaml"))
    if not files:
        return [], [Problem(str(directory), None, "", "no *.yaml files here")]
    sources, problems = [], []
    for path in files:
        try:
            name = str(path.resolve().relative_to(pathlib.Path.cwd()))
        except ValueError:
            name = str(path)
        try:
            sources.append(read_yaml(path.read_text(encoding="utf-8"), name))
        except UnicodeDecodeError as error:
            problems.append(Problem(name, None, "", f"not UTF-8 text ({error.reason})"))
        except YamlSyntaxError as error:
            problems.append(error.problem)
    return sources, problems

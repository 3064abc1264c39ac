"""What a YAML parser or a validator found wrong, in the district's terms: what is wrong and how
to fix it, never the library's own text (``expected <block end>, but found '?'``, ``Input should
be a valid integer, unable to parse string as an integer``).

The readers put these words beside the file and line they found (see ``problems.Problem``).
"""

from __future__ import annotations

from typing import Any

import yaml

from coachbot.importing.problems import Problem

INDENT = ("this line is not indented like the lines around it, or a line above it is missing "
          "its ':' or its '- '; line each field up with the others in its section "
          "(spaces, not tabs)")
# The parser's words, in order of how specific they are, and what a person should do.
YAML_FIXES: tuple[tuple[str, str], ...] = (
    ("found character '\\t'", "a tab is used to indent this line; indent with spaces only"),
    ("expected <block end>", INDENT),
    ("expected <block mapping start>", INDENT),
    ("mapping values are not allowed", "a ':' is where no field can start: check this line's "
                                       "indentation (line it up with the field above it), or, if "
                                       "the value holds a ':', put it in quotes, like: "
                                       "description: \"Goal: fewer, better questions\""),
    ("could not find expected ':'", "a field is missing its ':'; write it as name: value, or put "
                                    "a value that runs over several lines in quotes"),
    ("found unexpected end of stream", "a quotation mark is opened and never closed; close it"),
    ("expected ',' or ']'", "a list in [ ] is not closed or has a missing comma; write it like "
                            "[C-ONE, C-TWO]"),
    ("expected ',' or '}'", "a section in { } is not closed or has a missing comma; write it "
                            "like {name: Question design, description: ...}"),
    ("found duplicate", "a name is used twice; rename one of them"),
    ("found undefined alias", "a value starts with '*'; put it in quotes"),
    ("found character '@'", "a value starts with '@' or '`'; put it in quotes"),
    ("found character '`'", "a value starts with '@' or '`'; put it in quotes"),
    ("while scanning an alias", "a value starts with '*'; put it in quotes"),
    ("while scanning an anchor", "a value starts with '&'; put it in quotes"),
)
YAML_GENERAL = ("this is not valid YAML here; check that the indentation uses spaces and lines "
                "up, that each field is written as name: value, and that a value holding ':' or "
                "'#' is in quotes")


def yaml_problem(exc: yaml.YAMLError) -> tuple[int, str]:
    """(line, what to fix) for a file the YAML parser refused."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else 1
    said = " ".join(str(getattr(exc, part, "") or "") for part in ("context", "problem"))
    for words, fix in YAML_FIXES:
        if words in said:
            return line, fix
    return line, YAML_GENERAL


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _limits(ctx: dict[str, Any]) -> str:
    for key, words in (("ge", "at least"), ("gt", "more than"), ("le", "at most"),
                       ("lt", "less than")):
        if key in ctx:
            return f"{words} {ctx[key]}"
    return "in range"


def validation_message(error: Any) -> str:
    """One validator error as what is wrong and how to fix it. ``value_error`` messages are
    our own words already (written by the format's checks)."""
    kind = error["type"]
    given = _shown(error.get("input", ""))
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "missing":
        return "this field is missing; add this field"
    if kind == "extra_forbidden":
        return ("this is not a field here; remove it, or check its spelling against "
                "docs/catalog-format.md")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"'{given}' is not a whole number; write a number like 10"
    if kind in {"float_parsing", "float_type", "decimal_parsing"}:
        return f"'{given}' is not a number; write a number like 2.5"
    if kind in {"bool_parsing", "bool_type"}:
        return f"'{given}' is not yes or no; write true or false"
    if kind in {"date_parsing", "date_from_datetime_parsing", "date_type"}:
        return f"'{given}' is not a date; write it as YYYY-MM-DD, like 2026-09-01"
    if kind in {"time_parsing", "time_type"}:
        return f"'{given}' is not a time of day; write it as HH:MM, like 07:30"
    if kind in {"string_type"}:
        return "this should be text; write it after the ':' (in quotes if it holds ':' or '#')"
    if kind in {"list_type", "tuple_type", "set_type"}:
        return "this should be a list: one item per line starting with '- ', or [A, B]"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "this should be a section with its own fields indented under it (name: value)"
    if kind in {"literal_error", "enum"}:
        return f"'{given}' is not one of the choices; use one of {ctx.get('expected', '')}"
    if kind in {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}:
        return f"'{given}' is out of range; it must be {_limits(ctx)}"
    if kind in {"string_too_short", "too_short"}:
        return "this is empty; fill it in"
    if kind in {"string_too_long", "too_long"}:
        return f"this is too long; keep it to {ctx.get('max_length', 'the limit')}"
    if kind == "string_pattern_mismatch":
        return f"'{given}' is not written the way this field needs; see docs/catalog-format.md"
    return f"'{given}' is not accepted here; see docs/catalog-format.md for what this field takes"


def unreadable(exc: OSError | UnicodeDecodeError, kind: str) -> Problem:
    """A file that could not be opened or decoded, with what to do about it (``kind`` is what
    the file should be: "CSV", "YAML")."""
    if isinstance(exc, UnicodeDecodeError):
        line = exc.object[: exc.start].count(b"\n") + 1
        return Problem(str(getattr(exc, "filename", "") or ""), line, "",
                       f"this line has characters that are not UTF-8; save the file as UTF-8 "
                       f"(in a spreadsheet: Save As, {kind} UTF-8)")
    if isinstance(exc, FileNotFoundError):
        return Problem(str(exc.filename or ""), 1, "", "there is no file here; check the path "
                                                       "and the file's name")
    if isinstance(exc, IsADirectoryError):
        return Problem(str(exc.filename or ""), 1, "", "this is a folder; give the file inside it")
    if isinstance(exc, PermissionError):
        return Problem(str(exc.filename or ""), 1, "", "this file may not be read by this user; "
                                                       "check its permissions")
    return Problem(str(getattr(exc, "filename", "") or ""), 1, "",
                   f"this file could not be read ({exc.strerror or 'unknown reason'}); check "
                   "that it is there and not open in another program")

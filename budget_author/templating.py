"""The one Jinja environment, per profile: the document templates and the narrative's sentences.

Autoescape is on for every template, whatever its name, and for the profile's sentence
templates; undefined names fail (StrictUndefined). Workbook text is never marked safe: it reaches
the page only through escaping templates. A profile's own templates/ folder comes first, so its
document.html can extend the shared base.html, as a theme extends its base (docs/profiles-design.md).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from budget_author.paths import resource_dir


@lru_cache(maxsize=16)
def environment(profile_templates: Path | None = None) -> Environment:
    """The environment of one profile (its templates/ folder, or None for the shared ones only)."""
    loaders = [FileSystemLoader(str(resource_dir("templates")))]
    if profile_templates is not None:
        loaders.insert(0, FileSystemLoader(str(profile_templates)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,  # every template, whatever its file name, and from_string templates
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["drop_suffix"] = drop_suffix
    env.filters["numbered"] = numbered_label
    return env


def numbered_label(n: int, style: str = "一、") -> str:
    """The label of the n-th item in a numbering style: {{ loop.index | numbered('（一）') }} → （一）."""
    from budget_author.display import numbered

    return numbered(int(n), style)


def drop_suffix(text: str, suffix: str) -> str:
    """A name without a closing word: 社会保障和就业支出 | drop_suffix('支出') → 社会保障和就业."""
    return text[: -len(suffix)] if suffix and text.endswith(suffix) and text != suffix else text


@lru_cache(maxsize=16)
def macros(source: str) -> dict[str, Any]:
    """A profile's shared sentence macros, compiled once per process."""
    module = environment().from_string(source).make_module()
    return {name: value for name, value in vars(module).items() if not name.startswith("_")}


@lru_cache(maxsize=2048)
def sentence(macro_source: str, template: str):
    """One sentence template, compiled once per process, with the profile's macros as its globals."""
    return environment().from_string(template, globals=macros(macro_source))

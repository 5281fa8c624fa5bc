"""Validate every rule file under `DATA_DIR/rules/` at start-up, and load rulebooks.

Each subdirectory of `data/rules/` is a domain. A domain listed in `KNOWN_CHECKS` has its
rules checked against its predicate registry (names, required params and, when the registry
module defines `APPLIES_TO_KEYS`, filters); any other domain is checked for structure only.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register

from serumpun.core.rulebook import (
    Rulebook,
    Vocabulary,
    load_rulebook,
    validate_rulebook,
)

# domain -> dotted path of its predicate registry (a dict of name -> predicate)
KNOWN_CHECKS: dict[str, str] = {
    "labour": "serumpun.labour.rules.compliance.PREDICATES",
}


def rules_directory() -> Path:
    """Where the rule domains live: `DATA_DIR/rules`."""
    return Path(settings.DATA_DIR) / "rules"


def vocabulary_for(domain: str) -> Vocabulary:
    """What the domain's engine understands, read from its predicate registry."""
    dotted = KNOWN_CHECKS.get(domain)
    if dotted is None:
        return Vocabulary()
    module_path, _, attribute = dotted.rpartition(".")
    module = import_module(module_path)
    predicates = getattr(module, attribute)
    return Vocabulary(
        checks=frozenset(predicates),
        check_params=getattr(module, "PREDICATE_PARAMS", None),
        filters=getattr(module, "APPLIES_TO_KEYS", None),
    )


def rulebook_for(domain: str) -> Rulebook:
    """The domain's validated rulebook (cached until a rule file changes)."""
    vocabulary = vocabulary_for(domain)
    return load_rulebook(
        rules_directory(),
        domain,
        known_checks=vocabulary.checks,
        check_params=vocabulary.check_params,
        known_filters=vocabulary.filters,
    )


@register()
def rule_files_are_valid(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """serumpun.E010: a rule file is malformed (names the file and the rule)."""
    root = rules_directory()
    if not root.is_dir():
        return []
    messages: list[CheckMessage] = []
    for folder in sorted(path for path in root.iterdir() if path.is_dir()):
        for problem in validate_rulebook(
            root, folder.name, vocabulary=vocabulary_for(folder.name)
        ):
            messages.append(
                Error(
                    str(problem),
                    hint="Fix the rule file; its format is in data/rules/README.md.",
                    obj=problem.file,
                    id="serumpun.E010",
                )
            )
    return messages

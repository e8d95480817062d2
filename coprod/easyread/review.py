"""The easy-read check inside a form: findings are shown before saving; saving anyway needs a
tick, and is recorded in the audit log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField

from coprod import audit
from coprod.easyread.checker import Finding, check
from coprod.glossary import services as glossary


class EasyReadChecked:
    """Mixed into a form that is checked: the tick to save with findings."""

    easy_read_ok = BooleanField(_l("I have read the easy-read check. Save it anyway."))


def known_words(language: str) -> set[str]:
    return {form.lower() for term in glossary.terms_for(language) for form in term.forms}


def review(*texts: str, language: str | None = None) -> list[Finding]:
    """Findings for the texts a person wrote, in `language` (by default the page's language: a
    version in another language is checked in its own). (Pictures are never missing: every form
    that asks for writing also asks for a picture.)"""
    language = language or glossary.page_language()
    known = known_words(language)
    findings, seen = [], set()
    for text in texts:
        for finding in check(text or "", language, known):
            if (finding.kind, finding.where) not in seen:  # "TCP" in the title and the text: said once
                seen.add((finding.kind, finding.where))
                findings.append(finding)
    return findings


def hold_back(form, findings: list[Finding]) -> bool:
    """True when the form should be shown again with its findings, instead of being saved."""
    return bool(findings) and not form.easy_read_ok.data


def record_if_saved_anyway(findings: list[Finding], *, target, board, by) -> None:
    if findings:
        audit.record("easy-read.saved-with-findings", target=target, board=board, actor=by,
                     detail=", ".join(sorted({finding.kind for finding in findings})))

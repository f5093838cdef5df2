"""The name guard: no evidence entry (or report) names a child, a family member or a member of
staff, or gives a date of birth, an address, a phone number or an email address.

ILACS framework (Ofsted 170040) para 191: "Inspectors should not use the names of individual
children, young people or family members in their evidence records. They should use case
reference numbers and/or initials. Inspectors should use job titles or roles for individual
staff or practitioners."

How it decides (the lists and thresholds are data: ``vocabulary.yaml``):

* The names are the LA's own: the forenames and surnames of every child in the case store
  (``ssd_person``; siblings are the family members the store holds) and of the staff
  (``ssd_professionals``). :class:`NameIndex` holds them, folded to lower case without accents.
* A word that is a name and no common English word is flagged wherever it appears, in any case,
  possessive or not (``Elmhurst``, ``elmhurst's``, ``ELMHURST``).
* A name that is also a common word (``Hope``, ``Will``, ``Brown``) is flagged only where it
  reads as a name: capitalised inside a sentence, possessive, next to another name, or opening
  a sentence before a verb such as *was* or *said*. "There is hope" and "Hope is evident in the
  plans" pass.
* A word in no dictionary that is within one edit (two for long words) of a name is flagged as
  a likely misspelling (rapidfuzz's Damerau-Levenshtein distance, so ``Elmhurts`` is one edit
  from ``Elmhurst``).
* A title and a capitalised word (``Mrs Ashby``) is a name even when the store does not hold it
  (parents and carers are not in the case extract).
* Patterns: a date after "born" or "DOB"; a house number and street; a full postcode; a UK phone
  number; an email address; an NHS number; a unique pupil number.

Each :class:`Hit` says which field, where (character offsets), the text found, and why; it never
shows which name in the case records it matched, so the guard cannot be used to look names up.

Public API::

    index = NameIndex.from_store(db, "X99")          # or NameIndex.from_names([...], [...])
    hits = check({"statement": text, "evidence": more}, index)
    ensure_clean(fields, index)                      # raises NamesFound(hits) when any
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein
from sqlalchemy import select
from sqlalchemy.orm import Session

from grip.casedata.models import CASE_TABLES

CHILD = "child or family member"
STAFF = "member of staff"
PERSON = "person"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*['’]?")


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of ``vocabulary.yaml`` and the English frequency ranks."""

    version: int
    common_rank: int
    fuzzy_min_length: int
    distance_short: int
    distance_long: int
    long_from: int
    person_verbs: frozenset[str]
    honorifics: tuple[str, ...]
    domain_words: frozenset[str]
    street_words: tuple[str, ...]
    birth_words: tuple[str, ...]
    ranks: Mapping[str, int] = field(repr=False)

    def rank(self, word: str) -> int | None:
        """Frequency rank of a folded word in English (0 = most frequent), or ``None``."""
        return self.ranks.get(word)

    def is_word(self, word: str) -> bool:
        """Whether a folded word is ordinary vocabulary (English or children's services)."""
        return word in self.ranks or word in self.domain_words

    def is_common(self, word: str) -> bool:
        """Whether a folded word is among the most frequent English words."""
        rank = self.ranks.get(word)
        return (rank is not None and rank < self.common_rank) or word in self.domain_words


def fold(word: str) -> str:
    """Lower case without accents or apostrophes' variants: the form names are compared in."""
    text = unicodedata.normalize("NFKD", word)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").casefold()


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary (loaded once: the English list takes about a third of a second)."""
    from spellchecker import SpellChecker

    raw: dict[str, Any] = yaml.safe_load(
        (resources.files("grip.evidence") / "vocabulary.yaml").read_text(encoding="utf-8")
    )
    counts = SpellChecker(language="en").word_frequency.dictionary
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ranks = {word: i for i, (word, _count) in enumerate(ordered)}
    distance = raw["fuzzy_distance"]
    return Vocabulary(
        version=int(raw["version"]),
        common_rank=int(raw["common_rank"]),
        fuzzy_min_length=int(raw["fuzzy_min_length"]),
        distance_short=int(distance["short"]),
        distance_long=int(distance["long"]),
        long_from=int(distance["long_from"]),
        person_verbs=frozenset(fold(v) for v in raw["person_verbs"]),
        honorifics=tuple(raw["honorifics"]),
        domain_words=frozenset(fold(w) for w in raw["domain_words"]),
        street_words=tuple(raw["street_words"]),
        birth_words=tuple(raw["birth_words"]),
        ranks=ranks,
    )


@dataclass
class NameIndex:
    """The names an entry must not contain: folded name -> whose (child / staff)."""

    names: dict[str, str] = field(default_factory=dict)
    by_length: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def from_names(
        cls, people: Iterable[tuple[str | None, str | None]], staff: Iterable[str | None] = ()
    ) -> NameIndex:
        """An index of children's (forename, surname) pairs and staff full names."""
        index = cls()
        for full in staff:
            for part in _WORD.findall(full or ""):
                index._add(part, STAFF)
        for pair in people:
            for name in pair:
                for part in _WORD.findall(name or ""):
                    index._add(part, CHILD)  # a child's name outranks a colleague's
        lengths: dict[int, list[str]] = defaultdict(list)
        for name in index.names:
            lengths[len(name)].append(name)
        index.by_length = dict(lengths)
        return index

    @classmethod
    def from_store(cls, db: Session, la_code: str) -> NameIndex:
        """The names in an LA's case store: every child, and the staff who work with them."""
        person = CASE_TABLES["ssd_person"]
        prof = CASE_TABLES["ssd_professionals"]
        people = db.execute(
            select(person.c.pers_forename, person.c.pers_surname).where(person.c.la_code == la_code)
        ).all()
        staff = db.scalars(
            select(prof.c.prof_professional_name).where(prof.c.la_code == la_code)
        ).all()
        return cls.from_names([(r[0], r[1]) for r in people], staff)

    def _add(self, name: str, whose: str) -> None:
        key = fold(name.strip("'’"))
        if len(key) >= 2:
            self.names[key] = whose if whose == CHILD else self.names.get(key, whose)

    def __len__(self) -> int:
        return len(self.names)

    def near(self, word: str, vocab: Vocabulary) -> tuple[str, str] | None:
        """The name a misspelt ``word`` is closest to, within the allowed distance, if any."""
        limit = vocab.distance_long if len(word) >= vocab.long_from else vocab.distance_short
        choices = [
            n
            for length in range(len(word) - limit, len(word) + limit + 1)
            for n in self.by_length.get(length, ())
        ]
        best = process.extractOne(
            word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=limit
        )
        return None if best is None else (best[0], self.names[best[0]])


@dataclass(frozen=True)
class Hit:
    """Something the guard found: in which field, where, what, and why."""

    field: str
    start: int
    end: int
    text: str
    kind: str  # name | misspelt-name | titled-name | date-of-birth | address | postcode | …
    whose: str
    reason: str

    def as_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


#: What to write instead of a name (ILACS framework (Ofsted 170040) para 191).
INSTEAD = (
    "Use the case reference or initials for children and family members and the job title for "
    "staff (ILACS framework (Ofsted 170040) para 191)"
)


class NamesFound(ValueError):
    """An entry names a person or gives personal details; ``hits`` say what and where."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits
        found = "; ".join(f"{h.field}: {h.text!r} ({h.reason})" for h in hits[:5])
        more = f" and {len(hits) - 5} more" if len(hits) > 5 else ""
        super().__init__(
            f"the text names a person or gives personal details — {found}{more}. {INSTEAD}"
        )

    def by_field(self) -> dict[str, str]:
        """One message for each field that names someone: what was found, and what to write
        instead — for showing beside the field."""
        found: dict[str, list[str]] = {}
        for h in self.hits:
            found.setdefault(h.field, []).append(f"“{h.text}” is {h.reason}")
        return {field: f"{'; '.join(said)}. {INSTEAD}" for field, said in found.items()}


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str  # without a possessive ending
    key: str
    possessive: bool


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _WORD.finditer(text):
        raw = m.group()
        base, possessive = raw, False
        while len(base) > 2 and base[-2:].casefold() in ("'s", "’s"):
            base, possessive = base[:-2], True
        if base.endswith(("'", "’")):
            base, possessive = base[:-1], True
        out.append(_Token(m.start(), m.start() + len(base), base, fold(base), possessive))
    return out


def _opens_sentence(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t\"'“‘([":
        i -= 1
    return i < 0 or text[i] in ".!?:;\n\r•*–—-"


def check(fields: Mapping[str, str] | str, index: NameIndex) -> list[Hit]:
    """Every name and personal detail in the text of each field, in order of field and place."""
    items = {"text": fields} if isinstance(fields, str) else dict(fields)
    vocab = vocabulary()
    hits: list[Hit] = []
    for name, text in items.items():
        found = _patterns(name, text or "", vocab) + _names(name, text or "", index, vocab)
        hits.extend(_without_overlaps(found))
    return hits


def ensure_clean(fields: Mapping[str, str] | str, index: NameIndex) -> None:
    """Raise :class:`NamesFound` when :func:`check` finds anything."""
    hits = check(fields, index)
    if hits:
        raise NamesFound(hits)


def _without_overlaps(hits: list[Hit]) -> list[Hit]:
    hits.sort(key=lambda h: (h.start, -(h.end - h.start)))
    kept: list[Hit] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            continue
        kept.append(hit)
    return kept


def _names(name: str, text: str, index: NameIndex, vocab: Vocabulary) -> list[Hit]:
    tokens = _tokens(text)
    matched = [index.names.get(t.key) for t in tokens]
    hits: list[Hit] = []
    for i, tok in enumerate(tokens):
        whose = matched[i]
        if whose is not None:
            if _reads_as_name(text, tokens, matched, i, vocab):
                why = f"a name of a {whose} in the LA's case records"
                hits.append(Hit(name, tok.start, tok.end, tok.text, "name", whose, why))
            continue
        if _plural_of_name(text, tokens, i, index, vocab):
            whose = index.names[tok.key[:-1]]
            why = f"a name of a {whose} in the LA's case records, without its apostrophe"
            hits.append(Hit(name, tok.start, tok.end, tok.text, "name", whose, why))
            continue
        near = _misspelt(tok, index, vocab)
        if near is not None:
            why = f"looks like a misspelling of a name of a {near} in the LA's case records"
            hits.append(Hit(name, tok.start, tok.end, tok.text, "misspelt-name", near, why))
    return hits


def _reads_as_name(
    text: str, tokens: list[_Token], matched: list[str | None], i: int, vocab: Vocabulary
) -> bool:
    tok = tokens[i]
    if tok.text.isupper() and len(tok.text) > 1 and tok.key in vocab.domain_words:
        return False  # an acronym (MASH, LADO), not a name
    if not vocab.is_common(tok.key):
        return True
    if tok.possessive and tok.text[:1].isupper():
        return True
    if not tok.text[:1].isupper():
        return False
    beside = [j for j in (i - 1, i + 1) if 0 <= j < len(tokens)]
    if any(matched[j] is not None and _adjacent(text, tokens, i, j) for j in beside):
        return True
    if not _opens_sentence(text, tok.start):
        return True
    after = tokens[i + 1].key if i + 1 < len(tokens) else ""
    return after in vocab.person_verbs


def _plural_of_name(
    text: str, tokens: list[_Token], i: int, index: NameIndex, vocab: Vocabulary
) -> bool:
    # "Hopes plan" for "Hope's plan": capitalised where an ordinary word would not be.
    tok = tokens[i]
    if not (tok.key.endswith("s") and tok.key[:-1] in index.names and tok.text[:1].isupper()):
        return False
    after = tokens[i + 1].key if i + 1 < len(tokens) else ""
    return not _opens_sentence(text, tok.start) or after in vocab.person_verbs


def _adjacent(text: str, tokens: list[_Token], i: int, j: int) -> bool:
    a, b = sorted((i, j))
    gap = text[tokens[a].end : tokens[b].start]
    return tokens[b].text[:1].isupper() and tokens[a].text[:1].isupper() and gap in (" ", "-")


def _misspelt(tok: _Token, index: NameIndex, vocab: Vocabulary) -> str | None:
    key = tok.key.replace("'", "")
    if len(key) < vocab.fuzzy_min_length or vocab.is_word(key):
        return None
    if tok.text.isupper() and len(key) <= 6:
        return None  # acronyms are not misspelt names
    if key.endswith("s") and key[:-1] in index.names:
        return index.names[key[:-1]]  # a possessive without its apostrophe
    near = index.near(key, vocab)
    return None if near is None else near[1]


# --- patterns ------------------------------------------------------------------------------------

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = (
    rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})"
)


@cache
def _compiled() -> list[tuple[str, str, re.Pattern[str]]]:
    vocab = vocabulary()
    birth = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in vocab.birth_words)
    street = "|".join(re.escape(w) for w in vocab.street_words)
    titles = "|".join(re.escape(w) for w in vocab.honorifics)
    return [
        (
            "date-of-birth",
            "a date of birth",
            re.compile(rf"(?<![\w.])(?:{birth})\W{{0,3}}(?:\s*\w+){{0,2}}?\s*{_DATE}", re.I),
        ),
        (
            "address",
            "a street address",
            re.compile(
                rf"\b(?:flat\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+(?:[A-Z][\w'’-]*\s+){{1,3}}"
                rf"(?:{street})\b"
            ),
        ),
        (
            "postcode",
            "a full postcode",
            re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[ABD-HJLNP-UW-Z]{2}\b"),
        ),
        (
            "phone",
            "a phone number",
            re.compile(r"(?<![\d])(?:\+44\s?\(?0?\)?\s?|0)(?:\d[\s-]?){9,10}(?![\d])"),
        ),
        ("email", "an email address", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
        ("nhs-number", "an NHS number", re.compile(r"(?<!\d)\d{3}[ -]\d{3}[ -]\d{4}(?!\d)")),
        ("upn", "a unique pupil number", re.compile(r"\b[A-Z]\d{11}[\dA-Z]\b")),
        (
            "titled-name",
            "a person named by title",
            re.compile(rf"\b(?:{titles})\.?\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?"),
        ),
    ]


def _patterns(name: str, text: str, vocab: Vocabulary) -> list[Hit]:
    hits = []
    for kind, what, pattern in _compiled():
        for m in pattern.finditer(text):
            whose = PERSON if kind == "titled-name" else ""
            reason = f"{what}: name staff by job title, others by case reference or initials"
            if kind != "titled-name":
                reason = f"{what}: personal details identify a child or family"
            hits.append(Hit(name, m.start(), m.end(), m.group(), kind, whose, reason))
    return hits

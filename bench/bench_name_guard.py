"""Measure the evidence name guard: recall of planted names and personal details, and the
false-alarm rate on ordinary entries, printed as JSON.

Run: ``.venv/bin/python bench/bench_name_guard.py [--children N] [--entries N] [--seed S]``.

The set is held back: the guard's thresholds (``grip/evidence/vocabulary.yaml``) were tuned
on seed 1 of this script; the default run uses seed 7, whose synthetic authority, names and
entries the tuning never saw. The names come from Grip's own synthetic authority (the children
and staff of ``grip synth``), plus twenty names that are also ordinary English words
(Hope, Will, May, Brown …) because real authorities hold them and they are the hard case.

* Planted entries: an evaluative text with one child's, family member's or staff name in one
  of its forms (forename, surname, full name, possessive with ' or ’, without the apostrophe,
  capitals, lower case, a one-letter misspelling, hyphenated surname), at the start of a
  sentence or inside one; or a date of birth, address, postcode, phone number or email.
  Recall = planted items found / planted items.
* Clean entries: ordinary evaluative texts, many carrying look-alike ordinary words (words one
  edit from a name: "area", "halo", "melody"), and the names that are also ordinary words used
  as words ("the plan will be reviewed", "there is hope"). False-alarm rate = clean entries
  the guard would refuse / clean entries.

Also reported: the time per entry against a baseline measured in the same run (the same texts
only tokenised and looked up in a plain set, no fuzzy matching or patterns).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from grip.casedata.synth import synthesise
from grip.evidence import name_guard as ng

COMMON_WORD_NAMES = [
    ("Hope", "Brown"), ("Will", "Green"), ("May", "White"), ("Grace", "Young"),
    ("Mark", "Hill"), ("Faith", "Wood"), ("Rose", "Long"), ("Summer", "Bell"),
    ("Joy", "Hall"), ("Bill", "Page"), ("Sky", "Cook"), ("Rich", "Baker"),
]  # fmt: skip

PLANTED = [
    "{n} was seen alone by the social worker and her views are recorded.",
    "The assessment of {n} is thorough and analyses the history well.",
    "{n} told inspectors that they trust their worker.",
    "Management oversight of {n}'s plan is weak and actions drift.",
    "The strategy discussion about {n} was held promptly, but health did not attend.",
    "Visits to {n} are regular and purposeful; the worker knows the family well.",
    "Inspectors saw that {n} has had four changes of social worker this year.",
    "The pathway plan for {n} does not address housing.",
    "Direct work with {n} is creative and reflects the child's wishes.",
    "Core group meetings for {n} are well attended and actions are followed up.",
]
CLEAN = [
    "The plan will be reviewed at the next core group and actions are specific.",
    "There is hope that the new early help offer will reduce repeat referrals.",
    "Leaders may wish to strengthen the quality assurance of return interviews.",
    "Supervision is regular but does not always mark a clear direction for the work.",
    "The area for improvement is the timeliness of initial health assessments.",
    "Areas for priority action were discussed with the team manager.",
    "Young people said they feel safe where they live and know their personal adviser.",
    "In good faith the family agreed to the safety plan, which is clear and realistic.",
    "The report on page 12 shows the rate of re-referrals rose over the summer.",
    "Workers have a long wait for legal advice at the public law outline stage.",
    "Thresholds are well understood by partners in the MASH; the LADO responds promptly.",
    "Case reference 1042 (initials K.M.) shows drift in the child in need plan.",
    "The independent reviewing officer challenges delay and escalates appropriately.",
    "The senior social worker has a grip on risk; the head of service reviews progress.",
    "Return home interviews are offered, but take-up is low and analysis is limited.",
    "Permanence planning is timely for most children; some plans rise to the panel late.",
    "Caseloads are manageable and staff value the learning culture.",
    "Hope and ambition for care leavers are evident in the pathway plans seen.",
    "Grace periods for rent arrears are negotiated by personal advisers.",
    "Green shoots of improvement are visible in the front door's decision making.",
]
CONTEXT = [
    "The timeliness of assessments has improved since the last focused visit.",
    "Management oversight is evident on most files and decisions are recorded.",
    "Partners understand the thresholds and refer appropriately.",
    "The impact on children is that risks are reduced and plans progress.",
]
DETAILS = [
    ("date-of-birth", "The child (DOB {d}/0{m}/2011) was seen alone."),
    ("date-of-birth", "The young person, born on {d} March 2007, is now in education."),
    ("address", "The family moved to {n} {s} Road in the spring."),
    ("postcode", "The placement is at an address in SE{d} {m}QP."),
    ("phone", "The carer's number 07700 9{d}{m}123 was on the file."),
    ("email", "Minutes were sent to parent{d}@example.com without redaction."),
]


def _names(tmp: str, children: int, seed: int) -> tuple[list[tuple[str, str]], list[str]]:
    synthesise(tmp, children, seed, date(2025, 3, 31))
    with (Path(tmp) / "ssd_person.csv").open(encoding="utf-8") as fh:
        people = [(r["pers_forename"], r["pers_surname"]) for r in csv.DictReader(fh)]
    with (Path(tmp) / "ssd_professionals.csv").open(encoding="utf-8") as fh:
        staff = [r["prof_professional_name"] for r in csv.DictReader(fh)]
    return people + COMMON_WORD_NAMES, staff


def _misspell(rng: random.Random, name: str, vocab: ng.Vocabulary) -> str | None:
    for _ in range(10):
        i = rng.randrange(1, len(name) - 1)
        out = name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # a transposition
        if ng.fold(out) not in vocab.ranks and out != name:
            return out
    return None


def _form(rng: random.Random, fore: str, sur: str, vocab: ng.Vocabulary) -> tuple[str, str]:
    form = rng.choice(
        ["fore", "sur", "full", "poss", "curly", "noapos", "caps", "lower", "typo", "hyphen"]
    )
    if form == "typo" and len(sur) >= 5:
        bad = _misspell(rng, sur, vocab)
        if bad:
            return form, bad
    return form, {
        "fore": fore,
        "sur": sur,
        "full": f"{fore} {sur}",
        "poss": f"{fore}'s",
        "curly": f"{sur}’s",
        "noapos": f"{fore}s",
        "caps": sur.upper(),
        "lower": sur.lower() if not vocab.is_common(ng.fold(sur)) else sur,
        "hyphen": f"{sur}-{fore}",
    }.get(form, f"{fore} {sur}")


def _look_alikes(index: ng.NameIndex, vocab: ng.Vocabulary, limit: int) -> list[str]:
    words = [w for w, r in vocab.ranks.items() if r < 30_000 and len(w) >= 4 and w.isalpha()]
    out: set[str] = set()
    for name in list(index.names)[: limit * 3]:
        for word, _score, _ in process.extract(
            name, words, scorer=DamerauLevenshtein.distance, score_cutoff=1, limit=3
        ):
            if word not in index.names:
                out.add(word)
    return sorted(out)[:limit] + sorted(n for n in index.names if vocab.is_common(n))


def _entry(rng: random.Random, sentence: str) -> str:
    parts = [*rng.sample(CONTEXT, 2), sentence]
    rng.shuffle(parts)
    return " ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=1500)
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        people, staff = _names(tmp, args.children, args.seed)
    index = ng.NameIndex.from_names(people, staff)
    vocab = ng.vocabulary()
    planted: list[tuple[str, str, str]] = []  # (text, planted string, form)
    for _ in range(args.entries):
        if rng.random() < 0.15:
            kind, template = rng.choice(DETAILS)
            d, m, n = rng.randint(1, 9), rng.randint(1, 9), rng.randint(2, 99)
            text = template.format(d=d, m=m, n=n, s="Elm")
            planted.append((_entry(rng, text), "", kind))
            continue
        fore, sur = (
            rng.choice(people) if rng.random() < 0.8 else (*rng.choice(staff).split(" ", 1),)
        )
        form, shown = _form(rng, fore, sur, vocab)
        planted.append((_entry(rng, rng.choice(PLANTED).format(n=shown)), shown, form))
    alikes = _look_alikes(index, vocab, 200)
    clean = []
    for _ in range(args.entries):
        sentence = rng.choice(CLEAN)
        if rng.random() < 0.7:
            word = rng.choice(alikes)
            sentence += f" The word {word} appears in the minutes, and the {word} was noted."
            sentence += f" {word.capitalize()} features in the minutes too."
        clean.append(_entry(rng, sentence))

    t0 = time.perf_counter()
    missed = [
        (text, shown, form) for text, shown, form in planted if not _found(text, shown, index)
    ]
    false_alarms = [text for text in clean if ng.check(text, index)]
    guard_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    names = set(index.names)
    for text in [p[0] for p in planted] + clean:
        _ = [w for w in ng._WORD.findall(text) if ng.fold(w) in names]
    base_s = time.perf_counter() - t0
    n = len(planted) + len(clean)
    print(
        json.dumps(
            {
                "bench": "name_guard",
                "seed": args.seed,
                "names_in_index": len(index),
                "planted": len(planted),
                "missed": len(missed),
                "recall": round(1 - len(missed) / len(planted), 4),
                "clean": len(clean),
                "false_alarms": len(false_alarms),
                "false_alarm_rate": round(len(false_alarms) / len(clean), 4),
                "look_alike_words": len(alikes),
                "ms_per_entry": round(1000 * guard_s / n, 3),
                "baseline_ms_per_entry": round(1000 * base_s / n, 3),
                "ratio_to_baseline": round(guard_s / base_s, 1),
                "targets": {"recall": 1.0, "false_alarm_rate_below": 0.02},
                "examples_missed": [m[0] if m[1] else m[2] for m in missed[:10]],
                "examples_false_alarms": [
                    h.text for t in false_alarms[:10] for h in ng.check(t, index)
                ],
            }
        )
    )


def _found(text: str, shown: str, index: ng.NameIndex) -> bool:
    hits = ng.check(text, index)
    if not shown:
        return bool(hits)
    start = text.index(shown)
    return any(h.start < start + len(shown) and h.end > start for h in hits)


if __name__ == "__main__":
    main()

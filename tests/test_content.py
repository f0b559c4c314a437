"""content/: every file valid and cross-checked, every key the code uses present, no medicine
advice, and a loader that is strict when something is broken.

The clinical rules of the content (who stands, pointed toes, the ankle order, sources...) are
the content linter's, in tests/test_content_rules.py; they are not repeated here. The seed
article's wording is checked in tests/test_seed_wording.py.
"""

from __future__ import annotations

import ast
import re
import shutil
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml

from bot.coach import COMMANDS
from bot.coach.callbacks import CallbackData
from bot.coach.flows.data import PRIVACY_TABLES
from bot.coach.flows.routine import FEELINGS
from bot.coach.profile import ANSWERS
from bot.config import DEFAULT_CONTENT_DIR, PROJECT_ROOT
from bot.content import (
    AREAS,
    POSITIONS,
    SAFETY_QUESTIONS,
    Catalog,
    Content,
    ContentError,
    html_problem,
    load_content,
)
from bot.content.models import MAX_STEP_CHARS, Evidence
from bot.diary.entries import TIME_BUCKETS

LEVELS = ("emergency", "urgent", "soon", "info")


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


@pytest.fixture(scope="module")
def en(content: Content) -> Catalog:
    return content.catalog("en")


# -- the real content -----------------------------------------------------------------------------
def test_the_content_loads(content: Content) -> None:
    assert len(content.exercises) >= 20
    assert len(content.routines) >= 16
    assert "en" in content.catalogs
    assert {
        "ten_minutes",
        "worse",
        "dvt",
        "injury",
        "warning_line",
        "red_flags_summary",
        "getting_up",
        "evidence",
    } <= set(content.safety)
    assert len(content.sources) >= 20
    assert set(content.profile_rules) == set(SAFETY_QUESTIONS)
    assert len(content.emergency.by_country) >= 40
    assert content.emergency.mobile_fallback == "112"


@pytest.mark.parametrize("steady", [False, True], ids=["careful", "steady"])
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_every_area_and_position_has_a_relief_routine(
    content: Content, area: str, position: str, steady: bool
) -> None:
    routine = content.routine_for("relief", area, position, steady=steady)  # type: ignore[arg-type]
    assert routine.mode == "relief"
    assert routine.area == area
    assert position in routine.positions
    assert len(routine.exercises) >= 2
    if not steady:
        assert not routine.steady  # the careful routine is what everyone gets by default


@pytest.mark.parametrize("steady", [False, True], ids=["careful", "steady"])
@pytest.mark.parametrize("position", POSITIONS)
def test_every_position_has_a_bedtime_routine(
    content: Content, position: str, steady: bool
) -> None:
    routine = content.routine_for("prevention", None, position, steady=steady)  # type: ignore[arg-type]
    assert routine.mode == "prevention"
    assert routine.area is None
    assert position in routine.positions


def test_a_steady_routine_is_only_for_the_steady(content: Content) -> None:
    steady = {r.id for r in content.routines if r.steady}
    assert steady  # standing calf, foot, ankle relief and the standing bedtime stretch
    for area in (*AREAS, None):
        for position in POSITIONS:
            mode = "relief" if area else "prevention"
            careful = content.routine_for(mode, area, position)  # type: ignore[arg-type]
            assert careful.id not in steady


def test_every_routine_is_reachable(content: Content) -> None:
    reached = {
        content.routine_for("relief", a, p, steady=s).id
        for a in AREAS
        for p in POSITIONS
        for s in (False, True)
    }
    reached |= {
        content.routine_for("prevention", None, p, steady=s).id
        for p in POSITIONS
        for s in (False, True)
    }
    assert reached == {routine.id for routine in content.routines}


def test_every_exercise_is_used(content: Content) -> None:
    used = {
        e
        for routine in content.routines
        for e in (*routine.exercises, *routine.alternates, *routine.options)
    }
    assert set(content.exercises) == used


def test_every_step_is_short(content: Content) -> None:
    for exercise in content.exercises.values():
        for step in exercise.steps:
            assert 0 < len(step.text) <= MAX_STEP_CHARS == 400, exercise.id


@pytest.mark.parametrize("steady", [False, True], ids=["careful", "steady"])
@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_the_first_stretch_is_a_real_timed_one(
    content: Content, area: str, position: str, steady: bool
) -> None:
    """Sitting down first waits for a tap (it takes what it takes); the stretch after it, or the
    first exercise where nobody needs to sit down, starts with a hold or a timed movement."""
    routine = content.routine_for("relief", area, position, steady=steady)  # type: ignore[arg-type]
    plan = [content.exercise(e) for e in routine.exercises]
    transitions = [e for e in plan if e.is_transition]
    assert all(e.steps[0].wait_seconds is None for e in transitions), routine.id
    first = next(e for e in plan if not e.is_transition)
    assert plan.index(first) <= 1, routine.id  # at most one move before the first stretch
    assert first.steps[0].wait_seconds is not None, routine.id


def test_pointed_toe_exercises_are_tagged(content: Content) -> None:
    # The tag is what the linter's pointed-toe rules rely on: the one exercise that points the
    # toes must carry it, and nothing that pulls the toes up may.
    pointed = {e.id for e in content.exercises.values() if e.has("points_toes")}
    assert pointed == {"shin_stretch_seated"}
    for exercise_id in ("calf_stretch_towel", "toe_pull_back", "ankle_pumps"):
        assert not content.exercise(exercise_id).has("points_toes"), exercise_id


def test_every_text_is_valid_telegram_html(content: Content) -> None:
    for exercise in content.exercises.values():
        for text in (
            exercise.name,
            exercise.why,
            *exercise.cautions,
            *(s.text for s in exercise.steps),
        ):
            assert html_problem(text) is None, (exercise.id, text)
    for key, item in content.safety.items():
        assert html_problem(item.text) is None, key
    for catalog in content.catalogs.values():
        for key, text in catalog.strings.items():
            assert html_problem(text) is None, key


def test_every_value_put_into_an_html_text_is_valid_html_too(content: Content) -> None:
    """Sources ("Why this?"), country names and line names (the numbers to call) are filled
    into HTML templates: a bare '&' in one ("Trinidad & Tobago") would make Telegram refuse
    the very message that names an emergency number."""
    for key, source in content.sources.items():
        for text in (source.organisation, source.title, source.url or ""):
            assert html_problem(text) is None, (key, text)
    for country, local in content.emergency.by_country.items():
        values = [*local.names.values(), local.source.organisation, local.source.title]
        if local.urgent is not None:
            values.append(local.urgent.name)
        for text in values:
            assert html_problem(text) is None, (country, text)


def test_only_the_warning_line_has_a_placeholder(content: Content) -> None:
    """Safety texts are sent as they are; the warning line alone is filled in (with the
    person's emergency number), so it must keep its one placeholder and nothing else may
    have one, or a stray "{...}" would reach someone in pain."""
    for key, item in content.safety.items():
        expected = {"emergency"} if key == "warning_line" else set()
        assert _placeholders(item.text) == expected, key


def test_every_evidence_strength_has_its_plain_words(en: Catalog) -> None:
    for evidence in get_args(Evidence):
        assert en.text(f"evidence.{evidence}").strip(), evidence


# -- no medicine, ever ----------------------------------------------------------------------------
DRUG_WORDS = (
    "magnesium",
    "quinine",
    "ibuprofen",
    "painkiller",
    "pain killer",
    "muscle relaxant",
    "paracetamol",
    "acetaminophen",
    "aspirin",
    "naproxen",
    "diclofenac",
    "tonic water",
    "potassium",
    "electrolyte",
    "vitamin",
    "calcium",
    "pickle juice",
)
GENERIC_WORDS = ("medicine", "medication", "supplement", "pill", "tablet", "drug", "dose")
# A sentence may name medicines only to refuse, to warn, or to send someone to a doctor
# ("get medical help today and say which medicines you take").
NOT_ADVICE = re.compile(
    r"\b(never|not|no|can't|cannot|don't|started|began|doctor|pharmacist|medical help)\b"
)


def _mentions(words: tuple[str, ...], text: str) -> list[str]:
    lowered = text.lower()
    return [w for w in words if re.search(rf"\b{re.escape(w)}(s|es)?\b", lowered)]


def _sentences(text: str) -> Iterator[str]:
    for part in re.split(r"(?<=[.!?])\s+|\n", text):
        if part.strip():
            yield part


def test_the_medicine_words_are_really_detected() -> None:
    assert _mentions(DRUG_WORDS, "Try some Magnesium.") == ["magnesium"]
    assert _mentions(GENERIC_WORDS, "take two pills") == ["pill"]
    assert _mentions(GENERIC_WORDS, "a pillow under the calf") == []


def test_no_exercise_mentions_any_medicine(content: Content) -> None:
    for exercise in content.exercises.values():
        for text in (
            exercise.name,
            exercise.why,
            *exercise.cautions,
            *(s.text for s in exercise.steps),
        ):
            assert not _mentions(DRUG_WORDS + GENERIC_WORDS, text), (exercise.id, text)


def ui_texts(content: Content) -> Iterator[tuple[str, str]]:
    for language, catalog in content.catalogs.items():
        for kind in ("strings", "buttons", "commands"):
            for key, text in getattr(catalog, kind).items():
                yield f"{language}.{kind}.{key}", text
    for key, item in content.safety.items():
        if key != "medicine":  # the one text about medicines: checked on its own below
            yield f"safety.{key}", item.text


def test_no_ui_or_safety_text_recommends_a_medicine(content: Content) -> None:
    for where, text in ui_texts(content):
        assert not _mentions(DRUG_WORDS, text), (where, text)
        for sentence in _sentences(text):
            if _mentions(GENERIC_WORDS, sentence):
                assert NOT_ADVICE.search(sentence.lower()), (where, sentence)


def test_the_medicine_text_refuses_and_names_no_drug(content: Content) -> None:
    text = content.safety["medicine"].text
    assert not _mentions(DRUG_WORDS, text)
    assert "can't give advice" in text
    assert "doctor or pharmacist" in text
    assert "don't stop" in text


def test_the_exercises_do_not_say_to_jump_out_of_bed(content: Content) -> None:
    for exercise in content.exercises.values():
        for step in exercise.steps:
            assert not re.search(r"\b(jump|leap)", step.text.lower()), exercise.id


# -- every key the code uses exists ---------------------------------------------------------------
# Keys built with f-strings, and every value they can take.
FSTRING_KEYS: dict[str, tuple[str, ...]] = {
    "wrapup.{outcome}": ("gone", "better"),  # routine.wrap_up is called with these two
    "media.{kind}": ("sticker", "photo", "voice", "video", "document", "location", "other"),
    "area.{self.area}": AREAS,
    "when.{when}": ("today", "tomorrow", "later"),
    "privacy.{table}": PRIVACY_TABLES,
    "diary.time.{key}": tuple(key for key, _, _ in TIME_BUCKETS),
    "area.{key}": AREAS,
    "area.{area}": AREAS,
    "diary.when.{when}": ("evening", "night", "morning", "now"),
    "evidence.{exercise.evidence}": get_args(Evidence),
    "safety.q.{question}": SAFETY_QUESTIONS,
    "safety.label.{question}": SAFETY_QUESTIONS,
    "safety.answer.{getattr(answers, question) or 'none'}": (*ANSWERS, "none"),
}
# Button labels built with f-strings (ButtonSpec pairs), and every value they can take.
FSTRING_BUTTONS: dict[str, tuple[str, ...]] = {
    "safety_{answer}": ANSWERS,
}
# Arguments that only pass a key along (checked where the key is made).
PASS_THROUGH = {
    ("turn.py", "text", "key"),  # Turn.text -> Catalog.text
    ("turn.py", "keyboard", "label"),  # ButtonSpec labels: checked as button keys below
    ("reminder_night.py", "_button", "label"),  # a reminder's buttons: rendered in tests
    ("render.py", "render", "key"),  # RED_FLAG_KEYS: every one rendered in tests/diary
    # Typed warning signs: safety keys with a level, found through their flag.<key> intents
    # (see test_every_warning_sign_intent_has_a_safety_text below).
    ("warnings.py", "answer_flags", "key"),
    # The safety profile's cautions and notes: the loader checks each names a safety text.
    ("safety.py", "cautions", "rule.caution"),
    ("safety.py", "notes", "rule.note"),
    ("help.py", "_source_line", "template"),  # its callers' keys: see KEY_ARGUMENTS
    # Router.question (and the `again` inside it): each key is also asked where it is set.
    ("router.py", "question", "key"),
    ("router.py", "again", "key"),
}
# Helpers that take a catalog key as an argument: (function, argument index) -> kind of key.
KEY_ARGUMENTS = {("_source_line", 2): "text"}
BOT = PROJECT_ROOT / "bot"


def _pattern(node: ast.JoinedStr) -> str:
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value))
        elif isinstance(part, ast.FormattedValue):
            out.append("{" + ast.unparse(part.value) + "}")
    return "".join(out)


def _expand(pattern: str, values: dict[str, tuple[str, ...]], where: str) -> set[str]:
    if pattern not in values:
        raise AssertionError(f"{where}: add the values of f-string key {pattern!r}")
    name = pattern[pattern.index("{") : pattern.rindex("}") + 1]
    return {pattern.replace(name, value) for value in values[pattern]}


class _KeyScan:
    """Literal catalog keys in a module, following simple local assignments and conditionals."""

    def __init__(self) -> None:
        self.keys: dict[str, set[str]] = {"text": set(), "safety": set(), "button": set()}
        self.unresolved: set[tuple[str, str, str]] = set()
        self.patterns: set[str] = set()

    def scan(self, path: Path) -> None:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for function in functions:
            assigned: dict[str, list[ast.expr]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).append(node.value)
            for node in ast.walk(function):
                kind, index = self._lookup_kind(node)
                if kind is None or not isinstance(node, ast.Call) or len(node.args) <= index:
                    continue
                for key in self._resolve(node.args[index], assigned, path.name, function.name):
                    self.keys[kind].add(key)

    @staticmethod
    def _lookup_kind(node: ast.AST) -> tuple[str | None, int]:
        """The kind of key this call looks up, and which argument holds it."""
        if not isinstance(node, ast.Call):
            return None, 0
        if isinstance(node.func, ast.Name):
            for (name, index), kind in KEY_ARGUMENTS.items():
                if node.func.id == name:
                    return kind, index
            return None, 0
        if not isinstance(node.func, ast.Attribute):
            return None, 0
        receiver = ast.unparse(node.func.value)
        if node.func.attr in ("text", "button") and (receiver == "turn" or "catalog" in receiver):
            return node.func.attr, 0
        if node.func.attr == "safety" and receiver == "turn":
            return "safety", 0
        return None, 0

    def _resolve(
        self, node: ast.expr, assigned: dict[str, list[ast.expr]], file: str, func: str
    ) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.IfExp):
            return self._resolve(node.body, assigned, file, func) | self._resolve(
                node.orelse, assigned, file, func
            )
        if isinstance(node, ast.JoinedStr):
            pattern = _pattern(node)
            self.patterns.add(pattern)
            return _expand(pattern, FSTRING_KEYS, f"{file}: {func}")
        if isinstance(node, ast.Name) and node.id in assigned:
            out: set[str] = set()
            for value in assigned[node.id]:
                out |= self._resolve(value, assigned, file, func)
            return out
        self.unresolved.add((file, func, ast.unparse(node)))
        return set()


@pytest.fixture(scope="module")
def scan() -> _KeyScan:
    scanner = _KeyScan()
    for path in sorted(BOT.rglob("*.py")):
        scanner.scan(path)
    return scanner


def _button_keys() -> set[str]:
    """Labels of every ButtonSpec pair (label key, kind of button) written in bot/coach."""
    codecs = {codec.__name__ for codec in CallbackData.codecs.values()}
    keys: set[str] = set()
    for path in sorted((BOT / "coach").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Tuple) and len(node.elts) == 2):
                continue
            label, data = node.elts
            if not (
                isinstance(data, ast.Call)
                and isinstance(data.func, ast.Name | ast.Attribute)
                and ast.unparse(data.func).rpartition(".")[2] in codecs
            ):
                continue
            if isinstance(label, ast.Constant) and isinstance(label.value, str):
                keys.add(label.value)
            elif isinstance(label, ast.JoinedStr):
                keys |= _expand(_pattern(label), FSTRING_BUTTONS, path.name)
    return keys


def test_the_scan_finds_what_it_should(scan: _KeyScan) -> None:
    # If these go missing, the scanner is broken rather than the catalog complete.
    assert {
        "welcome",
        "welcome_back",
        "ask_area",
        "hint.hold",
        "hint.duration",
        "media.sticker",
        "exercise_header",
        "exercise_header_optional",  # a conditional expression, assigned to a name
        "call.emergency_unknown",
        "call.urgent_unknown",
        "numbers.unknown",
        "why.adapted",  # through _source_line (KEY_ARGUMENTS)
        "why.source",
        "why.own",
        "stand.ask",
        "safety.offer",
        "safety.q.numb_feet",
        "safety.answer.none",
        "evidence.trial_mixed",
        "warning_signs_note",
        "red_flag_stopped",
    } <= scan.keys["text"]
    assert {"terminal.banner", "error_sorry"} <= scan.keys["text"]  # async adapters are scanned too
    assert {"wrapup.gone", "ask_position_prevention", "area.calf"} <= scan.keys["text"]
    assert {
        "ten_minutes",
        "evidence",
        "worse",
        "warning_line",
        "red_flags_summary",
        "getting_up",
    } <= scan.keys["safety"]
    assert set(FSTRING_KEYS) <= scan.patterns
    assert {
        "next",
        "pause",
        "stop",
        "gone",
        "no_checkin",
        "repeat_area",
        "bedtime",
        "warning_signs",
        "why",
        "stand_yes",
        "stand_no",
        "safety_start",
        "safety_later",
        "safety_change",
        "safety_unsaid",
    } <= _button_keys()


def test_dynamic_keys_are_all_accounted_for(scan: _KeyScan) -> None:
    assert scan.unresolved <= PASS_THROUGH


def test_every_text_key_the_code_uses_exists(scan: _KeyScan, content: Content) -> None:
    for catalog in content.catalogs.values():
        missing = scan.keys["text"] - set(catalog.strings)
        assert not missing, (catalog.language, missing)


def test_every_safety_key_the_code_uses_exists(scan: _KeyScan, content: Content) -> None:
    used = scan.keys["safety"]
    used |= {key for rule in content.profile_rules.values() for key in (rule.caution, rule.note)}
    used.discard(None)  # type: ignore[arg-type]
    assert not used - set(content.safety)


def test_every_warning_sign_intent_has_a_safety_text(content: Content, en: Catalog) -> None:
    """The coach answers a typed `flag.<key>` with the safety text `<key>` and acts on its level;
    a flag intent without one would be recognised and then silently ignored."""
    flags = {intent.removeprefix("flag.") for intent in en.intents if intent.startswith("flag.")}
    with_level = {key for key, item in content.safety.items() if item.level is not None}
    assert flags == with_level
    assert {content.safety[key].level for key in with_level} <= set(LEVELS)
    # The stopping levels are really used: the emergency ones name breathing and circulation.
    assert {"breathing", "compartment", "circulation"} <= {
        key for key in with_level if content.safety[key].level == "emergency"
    }
    assert content.safety["dvt"].level == "urgent"


def test_every_button_key_the_code_uses_exists(content: Content) -> None:
    keys = _button_keys()
    for catalog in content.catalogs.values():
        assert not keys - set(catalog.buttons), catalog.language


def test_every_command_has_a_description(en: Catalog) -> None:
    assert set(en.commands) == set(COMMANDS)
    assert all(en.commands[name].strip() for name in COMMANDS)


def _has_calls() -> set[str]:
    """The intents the flows ask typed words about (`words.has("…")`)."""
    return {
        node.args[0].value
        for path in sorted((BOT / "coach").rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "has"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_intent_the_code_uses_exists(content: Content, en: Catalog) -> None:
    literal = _has_calls()
    assert {"stop", "prevent", "repeat", "help"} <= literal
    used = literal | {"negation"}
    used |= {f"flag.{key}" for key, item in content.safety.items() if item.level is not None}
    used |= {f"area.{a}" for a in AREAS} | {f"position.{p}" for p in POSITIONS}
    used |= {f"feeling.{f}" for f in FEELINGS}
    assert not used - set(en.intents)


def test_only_english_fallback_keys(content: Content) -> None:
    # Other languages may leave keys out (English fills in), but must not invent new ones.
    reference = content.catalogs["en"]
    for catalog in content.catalogs.values():
        assert set(catalog.strings) <= set(reference.strings), catalog.language
        assert set(catalog.buttons) <= set(reference.buttons), catalog.language


# -- broken copies --------------------------------------------------------------------------------
@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, target)
    return target


def edit_yaml(path: Path, change: Callable[[Any], None]) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def exercise_named(data: Any, exercise_id: str) -> dict[str, Any]:
    return next(e for e in data["exercises"] if e["id"] == exercise_id)


def routine_named(data: Any, routine_id: str) -> dict[str, Any]:
    return next(r for r in data["routines"] if r["id"] == routine_id)


def load_error(directory: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(directory)
    message = str(caught.value)
    assert "\n" not in message  # one line: start-up prints it as it is
    return message


def test_an_untouched_copy_loads(copy: Path) -> None:
    assert load_content(copy).routine_for("relief", "calf", "bed").id


def test_bad_yaml(copy: Path) -> None:
    path = copy / "exercises.yaml"
    path.write_text("exercises:\n  - id: [unclosed\n", encoding="utf-8")
    message = load_error(copy)
    assert str(path) in message
    assert "YAML" in message
    assert "line" in message


@pytest.mark.parametrize("name", ["sources.yaml", "emergency_numbers.yaml", "safety_profile.yaml"])
def test_bad_yaml_in_the_new_files(copy: Path, name: str) -> None:
    path = copy / name
    path.write_text("key: [unclosed\n", encoding="utf-8")
    message = load_error(copy)
    assert str(path) in message and "YAML" in message and "line" in message


@pytest.mark.parametrize("field", ["sources", "why", "tags", "evidence"])
def test_a_missing_field(copy: Path, field: str) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "calf_stretch_towel").pop(field))
    message = load_error(copy)
    assert str(path) in message
    assert re.search(rf"exercises\.\d+\.{field}: Field required", message)


@pytest.mark.parametrize(
    "old_field",
    [
        ("hold", "forever"),
        ("summary", "The old field"),
        ("points_toes", True),
        ("kneeling", False),
        ("seed_name", "Ankle circles"),
        ("alternative", "calf_massage"),
    ],
    ids=lambda value: value[0],
)
def test_an_unknown_or_retired_field(copy: Path, old_field: tuple[str, Any]) -> None:
    name, value = old_field
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "calf_stretch_towel").update({name: value}))
    message = load_error(copy)
    assert str(path) in message and name in message


def test_an_unknown_tag(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "calf_massage")["tags"].append("cartwheel"))
    message = load_error(copy)
    assert str(path) in message and re.search(r"exercises\.\d+\.tags", message)


def test_an_unknown_evidence_strength(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "calf_massage").update(evidence="proven"))
    message = load_error(copy)
    assert str(path) in message and re.search(r"exercises\.\d+\.evidence", message)


def test_an_unknown_exercise_in_a_routine(copy: Path) -> None:
    path = copy / "routines.yaml"
    edit_yaml(
        path, lambda d: routine_named(d, "relief_calf_standing")["exercises"].append("moonwalk")
    )
    message = load_error(copy)
    assert str(path) in message
    assert "relief_calf_standing" in message and "moonwalk" in message


@pytest.mark.parametrize(
    ("routine_id", "where"),
    [("relief_foot_standing", "alternates"), ("relief_calf_bed_sitting", "options")],
)
def test_an_unknown_alternate_or_option_in_a_routine(
    copy: Path, routine_id: str, where: str
) -> None:
    path = copy / "routines.yaml"
    edit_yaml(path, lambda d: routine_named(d, routine_id)[where].append("handstand"))
    message = load_error(copy)
    assert str(path) in message and routine_id in message and "handstand" in message


# -- sources ----------------------------------------------------------------------------------
def test_an_unknown_source_of_an_exercise(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "calf_massage")["sources"].append("my_blog"))
    message = load_error(copy)
    assert str(path) in message
    assert "calf_massage.sources: unknown source 'my_blog'" in message


def test_an_unknown_source_an_exercise_is_adapted_from(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "bedtime_calf_bed").update(adapted_from="nowhere"))
    message = load_error(copy)
    assert str(path) in message and "unknown source 'nowhere'" in message


def test_an_unknown_source_of_a_safety_text(copy: Path) -> None:
    path = copy / "safety.yaml"
    edit_yaml(path, lambda d: d["safety"]["dvt"]["sources"].append("hearsay"))
    message = load_error(copy)
    assert str(path) in message
    assert "safety.dvt.sources: unknown source 'hearsay'" in message


def test_a_source_whose_address_is_not_one(copy: Path) -> None:
    path = copy / "sources.yaml"
    edit_yaml(path, lambda d: d["sources"]["nhs_leg_cramps"].update(url="the NHS website"))
    message = load_error(copy)
    assert str(path) in message and "sources.nhs_leg_cramps.url" in message


def test_a_source_without_an_address(copy: Path) -> None:
    """Only the project's own rules (kind: own) may have no page behind them."""
    path = copy / "sources.yaml"
    edit_yaml(path, lambda d: d["sources"]["nhs_leg_cramps"].pop("url"))
    message = load_error(copy)
    assert str(path) in message and "sources.nhs_leg_cramps" in message
    assert "a source has an address, except the project's own rules" in message


# -- emergency numbers ------------------------------------------------------------------------
def test_an_unknown_source_of_an_emergency_number(copy: Path) -> None:
    path = copy / "emergency_numbers.yaml"
    edit_yaml(path, lambda d: d["countries"]["GB"].update(source="a_friend"))
    message = load_error(copy)
    assert str(path) in message
    assert "countries.GB.source: unknown source 'a_friend'" in message


def test_an_emergency_number_for_a_country_that_does_not_exist(copy: Path) -> None:
    path = copy / "emergency_numbers.yaml"
    edit_yaml(path, lambda d: d["countries"].update(XQ={"emergency": "999", "source": "eu_112"}))
    message = load_error(copy)
    assert str(path) in message and "countries.XQ" in message and "country code" in message


def test_an_emergency_number_that_is_not_a_number(copy: Path) -> None:
    path = copy / "emergency_numbers.yaml"
    edit_yaml(path, lambda d: d["countries"]["GB"].update(emergency="ambulance"))
    message = load_error(copy)
    assert str(path) in message and "countries.GB.emergency" in message


# -- the safety profile -----------------------------------------------------------------------
def test_a_safety_question_missing_from_the_profile(copy: Path) -> None:
    path = copy / "safety_profile.yaml"
    edit_yaml(path, lambda d: d["questions"].pop("clot"))
    message = load_error(copy)
    assert str(path) in message and "questions must be exactly" in message


def test_a_profile_rule_naming_no_safety_text(copy: Path) -> None:
    path = copy / "safety_profile.yaml"
    edit_yaml(path, lambda d: d["questions"]["clot"].update(note="clot_leaflet"))
    message = load_error(copy)
    assert str(path) in message and "clot: no safety text 'clot_leaflet'" in message


def test_a_profile_caution_without_tags(copy: Path) -> None:
    path = copy / "safety_profile.yaml"
    edit_yaml(path, lambda d: d["questions"]["numb_feet"].pop("for_tags"))
    message = load_error(copy)
    assert str(path) in message and "questions.numb_feet" in message
    assert "a caution needs for_tags" in message


def test_a_warning_sign_nobody_could_type(copy: Path) -> None:
    path = copy / "words" / "en.yaml"
    edit_yaml(path, lambda d: d["intents"].pop("flag.tear"))
    message = load_error(copy)
    assert str(copy / "safety.yaml") in message and "no intent flag.tear" in message


def test_an_unknown_warning_level(copy: Path) -> None:
    path = copy / "safety.yaml"
    edit_yaml(path, lambda d: d["safety"]["dvt"].update(level="whenever"))
    message = load_error(copy)
    assert str(path) in message and "safety.dvt.level" in message


# -- HTML, placeholders, locales --------------------------------------------------------------
def test_unbalanced_html_in_a_ui_string(copy: Path) -> None:
    path = copy / "locales" / "en.yaml"
    edit_yaml(path, lambda d: d["strings"].update(ask_area="<b>What's cramping?"))
    message = load_error(copy)
    assert str(path) in message
    assert "strings.ask_area" in message
    assert "<b>" in message


def test_unbalanced_html_in_a_step(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(
        path,
        lambda d: exercise_named(d, "calf_stretch_towel")["steps"][1].update(text="Hold <b>it"),
    )
    message = load_error(copy)
    assert str(path) in message
    assert "calf_stretch_towel.steps.1.text" in message


def test_unbalanced_html_in_a_safety_text(copy: Path) -> None:
    path = copy / "safety.yaml"
    edit_yaml(path, lambda d: d["safety"]["dvt"].update(text="Get <i>help</b> now."))
    message = load_error(copy)
    assert str(path) in message and "safety.dvt.text" in message


def test_a_bare_ampersand(copy: Path) -> None:
    path = copy / "locales" / "en.yaml"
    edit_yaml(path, lambda d: d["strings"].update(paused="Stretch & rest"))
    message = load_error(copy)
    assert "strings.paused" in message and "&amp;" in message


def test_a_missing_english_catalog(copy: Path) -> None:
    (copy / "locales" / "en.yaml").unlink()
    message = load_error(copy)
    assert str(copy / "locales" / "en.yaml") in message
    assert "missing" in message


@pytest.mark.parametrize(
    "name",
    [
        "exercises.yaml",
        "routines.yaml",
        "safety.yaml",
        "sources.yaml",
        "safety_profile.yaml",
        "emergency_numbers.yaml",
    ],
)
def test_a_missing_content_file(copy: Path, name: str) -> None:
    (copy / name).unlink()
    message = load_error(copy)
    assert str(copy / name) in message and "missing" in message


def _german(copy: Path, step_header: str) -> Path:
    """A German catalog translating one text (the rest stays English), German shipped."""
    po = copy / "locales" / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True, exist_ok=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        f'msgctxt "step_header"\nmsgid "<b>Step {{number}} of {{total}}</b>"\n'
        f'msgstr "{step_header}"\n',
        encoding="utf-8",
    )
    edit_yaml(
        copy / "locales" / "languages.yaml",
        lambda d: d["languages"]["de"].update(shipped=True),
    )
    return po


def test_placeholders_differing_in_a_second_locale(copy: Path) -> None:
    de = _german(copy, "<b>Schritt {number}</b>")
    message = load_error(copy)
    assert str(de) in message
    assert "step_header" in message
    assert "placeholders" in message


def test_a_second_locale_with_the_same_placeholders_loads(copy: Path) -> None:
    _german(copy, "<b>Schritt {number} von {total}</b>")
    content = load_content(copy)
    assert (
        content.catalog("de-AT").text("step_header", number=1, total=2) == "<b>Schritt 1 von 2</b>"
    )
    # The country names for the numbers to call come in each of the bot's languages.
    assert content.emergency.by_country["DE"].name("de") == "Deutschland"


def test_a_step_that_is_too_long(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(
        path, lambda d: exercise_named(d, "calf_stretch_towel")["steps"][0].update(text="x" * 401)
    )
    message = load_error(copy)
    assert str(path) in message
    assert re.search(r"exercises\.\d+\.steps\.0\.text", message)


def test_a_step_with_both_a_hold_and_a_duration(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(
        path,
        lambda d: exercise_named(d, "calf_stretch_towel")["steps"][0].update(duration_seconds=5),
    )
    message = load_error(copy)
    assert "hold_seconds or duration_seconds" in message


def test_a_button_label_that_is_too_long(copy: Path) -> None:
    path = copy / "locales" / "en.yaml"
    edit_yaml(path, lambda d: d["buttons"].update(next="N" * 65))
    message = load_error(copy)
    assert str(path) in message and "next" in message


# -- routines: coverage and the posture walk --------------------------------------------------
def test_an_uncovered_area_and_position(copy: Path) -> None:
    path = copy / "routines.yaml"
    edit_yaml(path, lambda d: d["routines"].remove(routine_named(d, "relief_shin_standing")))
    message = load_error(copy)
    assert str(path) in message
    assert "shin / standing" in message


def test_only_a_steady_routine_does_not_cover_a_case(copy: Path) -> None:
    """Everyone must have a careful routine: the steady one is only for those who said so."""
    path = copy / "routines.yaml"
    edit_yaml(path, lambda d: d["routines"].remove(routine_named(d, "relief_calf_standing")))
    message = load_error(copy)
    assert str(path) in message and "calf / standing" in message


@pytest.mark.parametrize("routine_id", ["bedtime_bed", "relief_calf_standing_steady"])
def test_two_routines_for_the_same_case(copy: Path, routine_id: str) -> None:
    path = copy / "routines.yaml"

    def duplicate(data: Any) -> None:
        twin = dict(routine_named(data, routine_id))
        twin["id"] = f"{routine_id}_twin"
        data["routines"].append(twin)

    edit_yaml(path, duplicate)
    message = load_error(copy)
    assert f"{routine_id}_twin" in message and "already covered" in message
    assert routine_id in message.replace(f"{routine_id}_twin", "")  # names the first one


def test_a_steady_and_a_careful_routine_for_the_same_case_are_fine(copy: Path) -> None:
    path = copy / "routines.yaml"

    def steady_shin(data: Any) -> None:
        twin = dict(routine_named(data, "relief_shin_standing"))
        twin.update(id="relief_shin_standing_steady", steady=True)
        data["routines"].append(twin)

    edit_yaml(path, steady_shin)
    content = load_content(copy)
    assert content.routine_for("relief", "shin", "standing").id == "relief_shin_standing"
    steady = content.routine_for("relief", "shin", "standing", steady=True)
    assert steady.id == "relief_shin_standing_steady"


def test_an_exercise_id_used_twice(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: d["exercises"].append(dict(exercise_named(d, "calf_massage"))))
    message = load_error(copy)
    assert "calf_massage" in message and "twice" in message


def test_a_standing_exercise_in_a_bed_routine(copy: Path) -> None:
    path = copy / "routines.yaml"
    edit_yaml(path, lambda d: routine_named(d, "bedtime_bed")["exercises"].append("walk_it_off"))
    message = load_error(copy)
    assert str(path) in message
    assert "bedtime_bed: 'walk_it_off' does not start bed (the person is bed by then)" in message


def test_a_standing_exercise_after_sitting_down(copy: Path) -> None:
    """The posture walk: after "Sit down first" the person is sitting, so a standing stretch
    cannot come next, though the routine is for someone standing."""
    path = copy / "routines.yaml"
    edit_yaml(
        path,
        lambda d: routine_named(d, "relief_calf_standing")["exercises"].insert(
            1, "calf_stand_on_leg"
        ),
    )
    message = load_error(copy)
    assert str(path) in message
    assert "relief_calf_standing: 'calf_stand_on_leg' does not start sitting" in message
    assert "(the person is sitting by then)" in message


def test_a_seated_exercise_before_sitting_down(copy: Path) -> None:
    path = copy / "routines.yaml"

    def swap(data: Any) -> None:
        plan = routine_named(data, "relief_foot_standing")["exercises"]
        plan[0], plan[1] = plan[1], plan[0]  # the toe pull before sitting down

    edit_yaml(path, swap)
    message = load_error(copy)
    assert "relief_foot_standing: 'toe_pull_back' does not start standing" in message


def test_an_alternate_that_cannot_start_where_the_person_is(copy: Path) -> None:
    path = copy / "routines.yaml"
    edit_yaml(
        path,
        lambda d: routine_named(d, "relief_calf_standing_steady")["alternates"].append(
            "calf_massage"  # seated or lying: the steady person is still standing when asked
        ),
    )
    message = load_error(copy)
    assert "relief_calf_standing_steady: 'calf_massage' cannot start standing" in message


def test_ends_in_where_it_already_starts(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "calf_massage").update(ends_in="sitting"))
    message = load_error(copy)
    assert str(path) in message and "calf_massage.ends_in: it already starts sitting" in message


def test_an_exercise_must_list_the_area_of_its_routine(copy: Path) -> None:
    edit_yaml(
        copy / "exercises.yaml", lambda d: exercise_named(d, "shin_massage").update(areas=["calf"])
    )
    message = load_error(copy)
    assert "routines.yaml" in message
    assert "'shin_massage' does not list shin" in message

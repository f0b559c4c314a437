"""content/: every file valid, every routine reachable, clinically safe, and strict when broken."""

from __future__ import annotations

import ast
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.coach import COMMANDS
from bot.coach.machine import (
    ANYWHERE_VERBS,
    INFO_FLAGS,
    PRIVACY_TABLES,
    STOP_FLAGS,
    VERBS_BY_PHASE,
)
from bot.coach.routine import FEELINGS
from bot.config import DEFAULT_CONTENT_DIR, PROJECT_ROOT
from bot.content import (
    AREAS,
    MAX_STEP_CHARS,
    POSITIONS,
    Catalog,
    Content,
    ContentError,
    html_problem,
    load_content,
)
from bot.diary.entries import TIME_BUCKETS

SEED_NAMES = {"Ankle circles", "Toe points", "Toe writing", "Child's pose (Balasana)"}


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


@pytest.fixture(scope="module")
def en(content: Content) -> Catalog:
    return content.catalog("en")


# -- the real content -----------------------------------------------------------------------------
def test_the_content_loads(content: Content) -> None:
    assert len(content.exercises) >= 20
    assert len(content.routines) >= 8
    assert "en" in content.catalogs
    assert {"ten_minutes", "worse", "dvt", "injury", "night_safety", "evidence"} <= set(
        content.safety
    )


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_every_area_and_position_has_a_relief_routine(
    content: Content, area: str, position: str
) -> None:
    routine = content.routine_for("relief", area, position)  # type: ignore[arg-type]
    assert routine.mode == "relief"
    assert routine.area == area
    assert position in routine.positions
    assert len(routine.exercises) >= 2


@pytest.mark.parametrize("position", POSITIONS)
def test_every_position_has_a_bedtime_routine(content: Content, position: str) -> None:
    routine = content.routine_for("prevention", None, position)  # type: ignore[arg-type]
    assert routine.mode == "prevention"
    assert routine.area is None


def test_every_routine_is_reachable(content: Content) -> None:
    reached = {content.routine_for("relief", a, p).id for a in AREAS for p in POSITIONS}
    reached |= {content.routine_for("prevention", None, p).id for p in POSITIONS}
    assert reached == {routine.id for routine in content.routines}


def test_every_exercise_is_used(content: Content) -> None:
    used = {e for routine in content.routines for e in (*routine.exercises, *routine.alternates)}
    used |= {e.alternative for e in content.exercises.values() if e.alternative}
    assert set(content.exercises) == used


def test_every_exercise_of_a_routine_suits_its_positions(content: Content) -> None:
    for routine in content.routines:
        for exercise_id in (*routine.exercises, *routine.alternates):
            assert routine.positions <= content.exercise(exercise_id).positions, (
                routine.id,
                exercise_id,
            )


def test_the_seed_articles_exercises_are_all_there(content: Content) -> None:
    seeds = {e.seed_name for e in content.exercises.values() if e.seed_name}
    assert seeds >= SEED_NAMES


def test_seed_exercises_are_offered_in_some_routine(content: Content) -> None:
    in_routines = {
        e for routine in content.routines for e in (*routine.exercises, *routine.alternates)
    }
    for name in SEED_NAMES:
        assert any(
            e.seed_name == name and e.id in in_routines for e in content.exercises.values()
        ), name


@pytest.mark.parametrize("area", ["calf", "foot"])
def test_calf_and_foot_relief_never_points_the_toes(content: Content, area: str) -> None:
    for position in POSITIONS:
        routine = content.routine_for("relief", area, position)  # type: ignore[arg-type]
        for exercise_id in (*routine.exercises, *routine.alternates):
            exercise = content.exercise(exercise_id)
            assert not exercise.points_toes, (routine.id, exercise_id)
            if exercise.alternative:
                assert not content.exercise(exercise.alternative).points_toes


def test_pointed_toe_exercises_are_flagged(content: Content) -> None:
    # The flag is what the rule above relies on; the known pointed-toe ones must carry it.
    for exercise_id in ("toes_pointed_down", "childs_pose", "shin_stretch_seated"):
        assert content.exercise(exercise_id).points_toes


def test_kneeling_always_has_an_alternative(content: Content) -> None:
    for exercise in content.exercises.values():
        if exercise.kneeling:
            assert exercise.alternative, exercise.id
            assert not content.exercise(exercise.alternative).kneeling


def test_every_step_is_short(content: Content) -> None:
    for exercise in content.exercises.values():
        for step in exercise.steps:
            assert 0 < len(step.text) <= MAX_STEP_CHARS == 400, exercise.id


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("area", AREAS)
def test_the_first_instruction_is_a_real_timed_one(
    content: Content, area: str, position: str
) -> None:
    routine = content.routine_for("relief", area, position)  # type: ignore[arg-type]
    first = content.exercise(routine.exercises[0]).steps[0]
    assert first.hold_seconds is not None or first.duration_seconds is not None, routine.id


def test_standing_exercises_say_hold_on_in_the_first_step(content: Content) -> None:
    standing = [e for e in content.exercises.values() if "standing" in e.positions]
    assert standing
    for exercise in standing:
        assert re.search(r"\bhold on\b", exercise.steps[0].text.lower()), exercise.id


def test_every_text_is_valid_telegram_html(content: Content) -> None:
    for exercise in content.exercises.values():
        for text in (
            exercise.name,
            exercise.summary,
            *exercise.cautions,
            *(s.text for s in exercise.steps),
        ):
            assert html_problem(text) is None, (exercise.id, text)
    for key, item in content.safety.items():
        assert html_problem(item.text) is None, key
    for catalog in content.catalogs.values():
        for key, text in catalog.strings.items():
            assert html_problem(text) is None, key


def test_every_exercise_and_safety_text_names_a_source(content: Content) -> None:
    for exercise in content.exercises.values():
        assert exercise.sources and all(s.strip() for s in exercise.sources), exercise.id
    for key, item in content.safety.items():
        assert item.sources and all(s.strip() for s in item.sources), key


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
# A sentence may name medicines only to refuse, to warn, or to send someone to a doctor.
NOT_ADVICE = re.compile(r"\b(never|not|no|can't|cannot|don't|started|began|doctor|pharmacist)\b")


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
            exercise.summary,
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
    "area.{arg}": AREAS,
    "weekday.{night.weekday()}": tuple("0123456"),
    "weekday.{day}": tuple("0123456"),
    "when.{when}": ("today", "tomorrow", "later"),
    "privacy.{table}": PRIVACY_TABLES,
    "diary.time.{key}": tuple(key for key, _, _ in TIME_BUCKETS),
    "area.{key}": AREAS,
    "area.{area}": AREAS,
    "diary.when.{when}": ("evening", "night", "morning", "now"),
}
# Arguments that only pass a key along (checked where the key is made).
PASS_THROUGH = {
    ("turn.py", "text", "key"),  # Turn.text -> Catalog.text
    ("turn.py", "keyboard", "label"),  # ButtonSpec labels: checked as button keys below
    ("machine.py", "_text", "key"),  # STOP_FLAGS / INFO_FLAGS values: checked below
    ("reminders.py", "_night_button", "label"),  # a reminder's buttons: rendered in tests
    ("render.py", "render", "key"),  # RED_FLAG_KEYS: every one rendered in tests/diary
}
BOT = PROJECT_ROOT / "bot"


def _pattern(node: ast.JoinedStr) -> str:
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value))
        elif isinstance(part, ast.FormattedValue):
            out.append("{" + ast.unparse(part.value) + "}")
    return "".join(out)


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
                kind = self._lookup_kind(node)
                if kind is None or not isinstance(node, ast.Call) or not node.args:
                    continue
                for key in self._resolve(node.args[0], assigned, path.name, function.name):
                    self.keys[kind].add(key)

    @staticmethod
    def _lookup_kind(node: ast.AST) -> str | None:
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return None
        receiver = ast.unparse(node.func.value)
        if node.func.attr in ("text", "button") and (receiver == "turn" or "catalog" in receiver):
            return node.func.attr
        if node.func.attr == "safety" and receiver == "turn":
            return "safety"
        return None

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
            if pattern not in FSTRING_KEYS:
                raise AssertionError(f"{file}: {func}: add the values of f-string key {pattern!r}")
            name = pattern[pattern.index("{") : pattern.index("}") + 1]
            return {pattern.replace(name, value) for value in FSTRING_KEYS[pattern]}
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
    """Labels of every ButtonSpec tuple (label key, verb, argument) written in bot/coach."""
    verbs = set().union(*VERBS_BY_PHASE.values(), ANYWHERE_VERBS)
    keys: set[str] = set()
    for path in sorted((BOT / "coach").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Tuple)
                and len(node.elts) == 3
                and all(
                    isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts[:2]
                )
                and node.elts[1].value in verbs  # type: ignore[attr-defined]
            ):
                keys.add(node.elts[0].value)  # type: ignore[attr-defined]
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
    } <= scan.keys["text"]
    assert {"terminal.banner", "error_sorry"} <= scan.keys["text"]  # async adapters are scanned too
    assert {"wrapup.gone", "ask_position_prevention", "area.calf"} <= scan.keys["text"]
    assert {"ten_minutes", "night_safety", "evidence", "worse"} <= scan.keys["safety"]
    assert set(FSTRING_KEYS) <= scan.patterns
    assert {
        "next",
        "pause",
        "stop",
        "gone",
        "no_checkin",
        "repeat_area",
        "bedtime",
    } <= _button_keys()


def test_dynamic_keys_are_all_accounted_for(scan: _KeyScan) -> None:
    assert scan.unresolved <= PASS_THROUGH


def test_every_text_key_the_code_uses_exists(scan: _KeyScan, content: Content) -> None:
    for catalog in content.catalogs.values():
        missing = scan.keys["text"] - set(catalog.strings)
        assert not missing, (catalog.language, missing)


def test_every_safety_key_the_code_uses_exists(scan: _KeyScan, content: Content) -> None:
    used = scan.keys["safety"] | set(STOP_FLAGS.values()) | set(INFO_FLAGS.values())
    assert not used - set(content.safety)


def test_every_button_key_the_code_uses_exists(content: Content) -> None:
    keys = _button_keys()
    for catalog in content.catalogs.values():
        assert not keys - set(catalog.buttons), catalog.language


def test_every_command_has_a_description(en: Catalog) -> None:
    assert set(en.commands) == set(COMMANDS)
    assert all(en.commands[name].strip() for name in COMMANDS)


def _has_calls() -> set[str]:
    tree = ast.parse((BOT / "coach" / "machine.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "has"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_intent_the_code_uses_exists(en: Catalog) -> None:
    literal = _has_calls()
    assert {"stop", "prevent", "repeat", "help"} <= literal
    used = literal | {"skip", "pause", "next", "negation"}  # the loop in _act_on names these
    used |= set(STOP_FLAGS) | set(INFO_FLAGS)
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


def test_a_missing_field(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "toes_up").pop("sources"))
    message = load_error(copy)
    assert str(path) in message
    assert "sources" in message
    assert re.search(r"exercises\.\d+\.sources", message)


def test_an_unknown_field(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "toes_up").update(hold="forever"))
    message = load_error(copy)
    assert str(path) in message and "hold" in message


def test_an_unknown_exercise_in_a_routine(copy: Path) -> None:
    path = copy / "routines.yaml"
    edit_yaml(
        path, lambda d: routine_named(d, "relief_calf_standing")["exercises"].append("moonwalk")
    )
    message = load_error(copy)
    assert str(path) in message
    assert "relief_calf_standing" in message and "moonwalk" in message


def test_an_unknown_alternate_in_a_routine(copy: Path) -> None:
    path = copy / "routines.yaml"
    edit_yaml(
        path, lambda d: routine_named(d, "relief_foot_standing")["alternates"].append("handstand")
    )
    message = load_error(copy)
    assert str(path) in message and "handstand" in message


@pytest.mark.parametrize(
    ("routine_id", "where"),
    [("relief_calf_bed_sitting", "exercises"), ("relief_foot_bed_sitting", "alternates")],
)
def test_a_pointed_toe_exercise_in_a_calf_or_foot_routine(
    copy: Path, routine_id: str, where: str
) -> None:
    path = copy / "routines.yaml"
    edit_yaml(path, lambda d: routine_named(d, routine_id)[where].append("toes_pointed_down"))
    message = load_error(copy)
    assert str(path) in message
    assert routine_id in message and "toes_pointed_down" in message
    assert "points the toes" in message


def test_pointing_the_toes_of_a_calf_exercise_is_caught_too(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "calf_massage").update(points_toes=True))
    message = load_error(copy)
    assert "calf_massage" in message and "points the toes" in message


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
        path, lambda d: exercise_named(d, "toes_up")["steps"][1].update(text="Lift <b>ten times")
    )
    message = load_error(copy)
    assert str(path) in message
    assert "toes_up.steps.1.text" in message


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


@pytest.mark.parametrize("name", ["exercises.yaml", "routines.yaml", "safety.yaml"])
def test_a_missing_content_file(copy: Path, name: str) -> None:
    (copy / name).unlink()
    message = load_error(copy)
    assert str(copy / name) in message and "missing" in message


def test_placeholders_differing_in_a_second_locale(copy: Path) -> None:
    de = copy / "locales" / "de.yaml"
    shutil.copy(copy / "locales" / "en.yaml", de)
    edit_yaml(de, lambda d: d["strings"].update(step_header="<b>Schritt {number}</b>"))
    message = load_error(copy)
    assert str(de) in message
    assert "strings.step_header" in message
    assert "placeholders" in message


def test_a_second_locale_with_the_same_placeholders_loads(copy: Path) -> None:
    de = copy / "locales" / "de.yaml"
    shutil.copy(copy / "locales" / "en.yaml", de)
    edit_yaml(de, lambda d: d["strings"].update(step_header="<b>Schritt {number} von {total}</b>"))
    content = load_content(copy)
    assert (
        content.catalog("de-AT").text("step_header", number=1, total=2) == "<b>Schritt 1 von 2</b>"
    )


def test_a_step_that_is_too_long(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "toes_up")["steps"][0].update(text="x" * 401))
    message = load_error(copy)
    assert str(path) in message
    assert re.search(r"exercises\.\d+\.steps\.0\.text", message)


def test_a_step_with_both_a_hold_and_a_duration(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "toes_up")["steps"][0].update(duration_seconds=5))
    message = load_error(copy)
    assert "hold_seconds or duration_seconds" in message


def test_an_uncovered_area_and_position(copy: Path) -> None:
    path = copy / "routines.yaml"
    edit_yaml(path, lambda d: d["routines"].remove(routine_named(d, "relief_shin_standing")))
    message = load_error(copy)
    assert str(path) in message
    assert "shin / standing" in message


def test_two_routines_for_the_same_case(copy: Path) -> None:
    path = copy / "routines.yaml"

    def duplicate(data: Any) -> None:
        twin = dict(routine_named(data, "bedtime_bed"))
        twin["id"] = "bedtime_bed_twin"
        data["routines"].append(twin)

    edit_yaml(path, duplicate)
    message = load_error(copy)
    assert "bedtime_bed_twin" in message and "already covered" in message


def test_an_exercise_id_used_twice(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: d["exercises"].append(dict(exercise_named(d, "toes_up"))))
    message = load_error(copy)
    assert "toes_up" in message and "twice" in message


def test_a_standing_exercise_in_a_bed_routine(copy: Path) -> None:
    path = copy / "routines.yaml"
    edit_yaml(
        path,
        lambda d: routine_named(d, "relief_calf_bed_sitting")["exercises"].append("walk_it_off"),
    )
    message = load_error(copy)
    assert "walk_it_off" in message and "not written for" in message


def test_an_unknown_alternative_exercise(copy: Path) -> None:
    path = copy / "exercises.yaml"
    edit_yaml(path, lambda d: exercise_named(d, "childs_pose").update(alternative="levitate"))
    message = load_error(copy)
    assert str(path) in message and "childs_pose.alternative" in message


def test_a_button_label_that_is_too_long(copy: Path) -> None:
    path = copy / "locales" / "en.yaml"
    edit_yaml(path, lambda d: d["buttons"].update(next="N" * 65))
    message = load_error(copy)
    assert str(path) in message and "next" in message


def test_an_exercise_must_list_the_area_of_its_routine(copy: Path) -> None:
    edit_yaml(
        copy / "exercises.yaml", lambda d: exercise_named(d, "shin_massage").update(areas=["calf"])
    )
    message = load_error(copy)
    assert "routines.yaml" in message
    assert "'shin_massage' does not list shin" in message


SHARED = DEFAULT_CONTENT_DIR.parent.parent / "shared"


def _word_runs(text: str, size: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z']+", text.lower())
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


def test_no_wording_is_copied_from_the_seed_article(content: Content) -> None:
    """Seven words in a row shared with the article means a sentence was lifted, not rewritten."""
    article = SHARED / "seed" / "ankle-cramps-article.txt"
    if not article.exists():
        pytest.skip(f"{article} is not beside the repository")
    ours = " ".join(
        [e.summary for e in content.exercises.values()]
        + [s.text for e in content.exercises.values() for s in e.steps]
        + [c for e in content.exercises.values() for c in e.cautions]
        + [item.text for item in content.safety.values()]
        + list(content.catalog("en").strings.values())
    )
    copied = _word_runs(ours, 7) & _word_runs(article.read_text(encoding="utf-8"), 7)
    assert not copied, sorted(" ".join(run) for run in copied)

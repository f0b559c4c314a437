"""The way into a routine: /start and /routine, then the two quick questions before the first
instruction (which part of the leg, then where the person is), or one tap to repeat the last.

Typed words do the same ("calf, in bed" needs no question at all), and a greeting while idle is
a /start.
"""

from __future__ import annotations

from typing import Literal

from bot.coach.callbacks import CallbackData
from bot.coach.flows import routine
from bot.coach.flows.reminders import SETUP_PHASES
from bot.coach.router import Router, Words
from bot.coach.state import Choosing, Phase
from bot.coach.turn import ButtonSpec, Turn
from bot.content import AREAS, POSITIONS, Area, Mode, Position

router = Router()


class AreaChoice(CallbackData, prefix="a"):
    choice: Area | Literal["prevent"]


class PositionChoice(CallbackData, prefix="p"):
    position: Position


class RepeatLast(CallbackData, prefix="rep"):
    area: Area

    def label_values(self, turn: Turn) -> dict[str, str]:
        return {"area": turn.text(f"area.{self.area}")}


AREA_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (("area_ankle", AreaChoice(choice="ankle")), ("area_foot", AreaChoice(choice="foot"))),
    (("area_calf", AreaChoice(choice="calf")), ("area_shin", AreaChoice(choice="shin"))),
    (("prevent", AreaChoice(choice="prevent")),),
)
POSITION_BUTTONS: tuple[tuple[ButtonSpec, ...], ...] = (
    (
        ("pos_bed", PositionChoice(position="bed")),
        ("pos_sitting", PositionChoice(position="sitting")),
        ("pos_standing", PositionChoice(position="standing")),
    ),
)
# Where typed words can start a routine or name its area.
CHOOSING_PHASES = (Phase.IDLE, Phase.ASK_AREA, Phase.ROUTINE_MENU, Phase.CHECKIN, *SETUP_PHASES)


# -- commands --------------------------------------------------------------------------------
@router.command("start")
def start(turn: Turn, args: str = "") -> None:
    turn.abandon("abandoned")
    greeting = turn.text("welcome_back" if turn.state.known else "welcome")
    turn.met()
    turn.go(Choosing("area"))
    turn.say(
        greeting,
        turn.text("disclaimer"),
        turn.text("ask_area"),
        buttons=turn.keyboard(AREA_BUTTONS),
    )


@router.command("routine")
def routine_menu(turn: Turn, args: str = "") -> None:
    turn.abandon("abandoned")
    turn.met()
    turn.go(Choosing("menu"))
    turn.say(turn.text("routine_menu"), buttons=turn.keyboard(_routine_menu_rows(turn)))


def _routine_menu_rows(turn: Turn) -> list[tuple[ButtonSpec, ...]]:
    """One tap to repeat the last area (if any), the four areas, and the bedtime stretch."""
    rows: list[tuple[ButtonSpec, ...]] = []
    if turn.state.last_area is not None:
        rows.append((("repeat_area", RepeatLast(area=turn.state.last_area)),))
    rows.extend(AREA_BUTTONS[:2])
    rows.append((("bedtime", AreaChoice(choice="prevent")),))
    return rows


# -- the two quick questions -----------------------------------------------------------------
def choose_area(turn: Turn, choice: Area | Literal["prevent"]) -> None:
    mode: Mode = "prevention" if choice == "prevent" else "relief"
    area = None if choice == "prevent" else choice
    turn.go(Choosing("position", mode, area))
    question = "ask_position_prevention" if mode == "prevention" else "ask_position"
    turn.say(turn.text(question), buttons=turn.keyboard(POSITION_BUTTONS))


def choose_position(turn: Turn, position: Position) -> None:
    flow = turn.state.flow
    chosen = flow if isinstance(flow, Choosing) else Choosing("position")
    mode, area = chosen.mode or "relief", chosen.area
    if mode == "relief" and area is None:  # cannot happen through our buttons; ask again
        start(turn)
        return
    routine.start(turn, mode, area, position)


def repeat_last(turn: Turn) -> None:
    area, position = turn.state.last_area, turn.state.last_position
    if area is None:
        routine_menu(turn)
    elif position is None:
        choose_area(turn, area)
    else:
        routine.start(turn, "relief", area, position)


@router.button(AreaChoice, Phase.ASK_AREA, Phase.ROUTINE_MENU)
def _area_pressed(turn: Turn, data: AreaChoice) -> None:
    choose_area(turn, data.choice)


@router.button(PositionChoice, Phase.ASK_POSITION)
def _position_pressed(turn: Turn, data: PositionChoice) -> None:
    choose_position(turn, data.position)


@router.button(RepeatLast, Phase.ROUTINE_MENU)
def _repeat_pressed(turn: Turn, data: RepeatLast) -> None:
    repeat_last(turn)


router.question(Phase.ASK_AREA, "ask_area", AREA_BUTTONS)


@router.reprompt(Phase.ROUTINE_MENU)
def _routine_menu_again(turn: Turn) -> bool:
    rows = _routine_menu_rows(turn)
    turn.say(turn.text("routine_menu"), buttons=turn.keyboard(rows, fresh=False))
    return True


@router.reprompt(Phase.ASK_POSITION)
def _ask_position_again(turn: Turn) -> bool:
    flow = turn.state.flow
    prevention = isinstance(flow, Choosing) and flow.mode == "prevention"
    question = "ask_position_prevention" if prevention else "ask_position"
    turn.say(turn.text(question), buttons=turn.keyboard(POSITION_BUTTONS, fresh=False))
    return True


# -- typed words -----------------------------------------------------------------------------
@router.text(*CHOOSING_PHASES)
def _named(turn: Turn, words: Words) -> bool:
    """ "calf, in bed" starts at once; "my calf" asks where; "bedtime stretch", "same again"."""
    area, position = words.pick("area.", AREAS), words.pick("position.", POSITIONS)
    if area is not None and position is not None:  # "calf, in bed": no need to ask
        routine.start(turn, "relief", area, position)
    elif area is not None:
        choose_area(turn, area)
    elif words.has("prevent"):
        choose_area(turn, "prevent")
    elif turn.state.phase == Phase.ROUTINE_MENU and words.has("repeat"):
        repeat_last(turn)
    else:
        return False
    return True


router.answer(Phase.ASK_POSITION, "position.", POSITIONS, choose_position)


@router.text(Phase.IDLE)
def _greeting(turn: Turn, words: Words) -> bool:
    if not words.has("greeting"):
        return False
    start(turn)
    return True

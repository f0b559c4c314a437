"""Timers: how late the timed follow-ups arrive with 1,000 routines running at once.

The bot runs as its own process (``python -m bot run``) against the Bot API stand-in, with
``ROUTINE_TIME_SCALE`` shrinking the holds to a few seconds (follow-ups are in the conversation
lane, which has no rate limit). 1,000 simulated
users are brought to the first step of a relief routine together, through real updates and
real buttons: everyone sends /start, then everyone presses their area, then everyone presses
their position, each stage as fast as the bot answers (at most ``--window`` updates unanswered
at any time; 0 puts all 1,000 in at once). Then nobody presses anything: the bot's own timers
move each routine on, step by step.

For every follow-up, lateness = when its message reached the stand-in - when its timer was due.
The due time is the bot's own ``chat_states.timer_due_at``: the bot commits it (with
``timer_token``) before it sends the step that announces the hold, and the stand-in's listener
reads the chat's row while that step is being answered, when it cannot have changed yet (see
``RowReader``). The follow-up is the message showing the next step; the row read with it also
tells when the bot began handling the timer (``updated_at``), which splits lateness into the
scheduler's part and the handling's part.

With the content as it is, no routine goes on unattended for more than two follow-ups (the
third step of every first exercise waits for a tap, and a standing person's first exercise,
sitting down, waits for one at once), so only the routines whose first exercise chains two
timed steps are used (calf or ankle, in bed or sitting: the calf stretch, 30 s then 30 s), and
each user does ``--rounds`` of them (a fresh /start each round, everyone together
again) for several follow-ups each. Holds of a few seconds are shorter than it takes to bring
1,000 users to their first step, so many follow-ups come due while others are still starting:
the report shows those apart from the ones due after everyone was on their first step.

    python -m bench.timers            # 1,000 routines, 2 rounds; SQLite and PostgreSQL
    python -m bench.timers --quick    # 50 routines, seconds: the CI smoke test
"""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bench import support
from bench.users import SENDS, Crowd
from bot.content import AREAS, POSITIONS, Content, load_content
from bot.storage.db import make_engine
from bot.storage.models import ChatState
from tools.botapi_standin import FakeBotApi, RecordedRequest

FIRST_CHAT = 700_000_001
STEP = re.compile(r"Step (\d+) of \d+")
TARGET_P99_MS = 250.0
GIVE_UP = 30.0  # s: a follow-up this overdue, with nothing else arriving, is lost


# ---------------------------------------------------------------------------------- routines


@dataclass(frozen=True)
class Choice:
    """A relief routine picked by its buttons, and how many follow-ups it sends unattended."""

    area: str  # button labels, as the users see them
    position: str
    follow_ups: int
    holds: tuple[int, ...]  # seconds, unscaled


def unattended(content: Content) -> list[Choice]:
    """The relief routines whose first exercise runs longest without a tap."""
    catalog = content.catalog("en")
    found = []
    for area in AREAS:
        for position in POSITIONS:
            exercise = content.exercise(content.routine_for("relief", area, position).exercises[0])
            holds: list[int] = []
            for step in exercise.steps:
                if step.wait_seconds is None:
                    break
                holds.append(step.wait_seconds)
            found.append(
                Choice(
                    catalog.button(f"area_{area}"),
                    catalog.button(f"pos_{position}"),
                    len(holds),
                    tuple(holds),
                )
            )
    longest = max(choice.follow_ups for choice in found)
    if longest < 1:
        raise RuntimeError("no relief routine starts with a timed step")
    return [choice for choice in found if choice.follow_ups == longest]


# ---------------------------------------------------------------------------------- follow-ups


@dataclass(frozen=True)
class Armed:
    token: str
    due: float  # wall-clock seconds (the bot's UTC clock)
    step: int  # 0-based step the hold belongs to; its follow-up shows step + 1


@dataclass
class Measured:
    chat_id: int
    token: str
    step: int  # 0-based step whose hold ended
    due: float  # wall-clock seconds
    arrived: float
    # When the bot began handling the timer (the clock it wrote into chat_states.updated_at):
    # due -> started is the scheduler and the event loop, started -> arrived the handling.
    started: float | None = None
    announced: float | None = None  # when the step announcing the hold reached the stand-in

    @property
    def late(self) -> float:
        return self.arrived - self.due


@dataclass
class Watched:
    armed: list[Armed] = field(default_factory=list)  # oldest first, follow-ups not yet seen
    tokens: set[str] = field(default_factory=set)
    last: Measured | None = None  # its handling start still to be read
    shown: dict[int, float] = field(default_factory=dict)  # step number -> its last arrival
    history: list[tuple[Any, ...]] = field(default_factory=list)  # to explain a lost follow-up


class RowReader:
    """Reads one chat's ``chat_states`` row, blocking, from inside the stand-in's listener.

    Blocking is the point: the listener runs before the stand-in answers the bot, and the bot
    sends a chat's messages under that chat's lock, after committing the state they come from.
    So while a message is being answered, the row is exactly what the event that sent it wrote:
    no later event of that chat (the timer it armed, say) can have replaced it yet. A timer's row
    may live only milliseconds (under load a step can be committed after its hold was already
    over, and its follow-up then comes at once), so any reading after the fact could miss it.

    The query runs on a private event loop in a worker thread (asyncpg and aiosqlite are async
    only); the caller waits for it, a millisecond or so.
    """

    def __init__(self, url: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._engine: AsyncEngine = self._call(self._connect(url))
        self.reads = 0

    async def _connect(self, url: str) -> AsyncEngine:
        return make_engine(url)

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=30)

    def read(self, chat_id: int) -> Row[Any] | None:
        self.reads += 1
        return self._call(self._read(chat_id))  # type: ignore[no-any-return]

    async def _read(self, chat_id: int) -> Row[Any] | None:
        query = select(
            ChatState.timer_token,
            ChatState.timer_due_at,
            ChatState.state[("flow", "progress", "step")].as_integer(),
            ChatState.updated_at,
        ).where(ChatState.chat_id == chat_id)
        async with self._engine.connect() as connection:
            return (await connection.execute(query)).one_or_none()

    def close(self) -> None:
        self._call(self._engine.dispose())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@dataclass
class FollowUps:
    """Times every follow-up: due from the database, actual from the stand-in's listener.

    Every step message to a watched chat (and any message while a timer is armed) has its
    chat's row read as it arrives (see RowReader): a new ``timer_token`` there is the timer this
    message announces, with its ``timer_due_at``; a message showing the step after a timer's
    step is that timer's follow-up, and the row it comes with tells when the bot began handling
    the timer (``updated_at`` is the bot's clock at the start of the event).
    """

    api: FakeBotApi
    reader: RowReader
    chats: dict[int, Watched] = field(default_factory=dict)
    measured: list[Measured] = field(default_factory=list)
    armed: int = 0  # timers seen armed in the database
    missed: int = 0  # timers whose follow-up was never recognised (a later one came first)
    _offset: float = field(default_factory=lambda: time.time() - time.monotonic())

    def __post_init__(self) -> None:
        self.api.listeners.append(self._seen)

    def watch(self, chat_ids: list[int]) -> None:
        for chat_id in chat_ids:
            self.chats.setdefault(chat_id, Watched())

    def _seen(self, record: RecordedRequest) -> None:
        if record.status != 200 or record.method not in SENDS:
            return
        try:
            chat_id = int(record.params.get("chat_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return
        chat = self.chats.get(chat_id)
        if chat is None:
            return
        arrived = record.time + self._offset
        text = str(record.params.get("text") or record.params.get("caption") or "")
        chat.history.append(("sent", text[:20], round(arrived, 3)))
        match = STEP.search(text)
        if match is not None:
            chat.shown[int(match.group(1))] = arrived
        for index, armed in enumerate(chat.armed):
            if match is not None:
                follows = int(match.group(1)) == armed.step + 2
            else:  # not a step (the question after an exercise's last step): only a timer
                follows = arrived >= armed.due
            if follows:
                self.missed += index  # older timers whose follow-up never showed
                del chat.armed[: index + 1]
                measured = Measured(chat_id, armed.token, armed.step, armed.due, arrived)
                measured.announced = chat.shown.get(armed.step + 1)
                chat.last = measured
                self.measured.append(measured)
                break
        if match is None and not chat.armed and chat.last is None:
            return  # nothing this message could tell
        row = self.reader.read(chat_id)
        if row is None:
            return
        token, due, step, updated = row
        if chat.last is not None:  # the row the timer that just fired wrote
            chat.last.started = updated.timestamp()
            chat.last = None
        if token is None or due is None or token in chat.tokens:
            return
        chat.tokens.add(token)
        chat.armed.append(Armed(token, due.timestamp(), step or 0))
        chat.history.append(("armed", token, round(due.timestamp(), 3), step))
        self.armed += 1


# ---------------------------------------------------------------------------------- the run


@dataclass
class Stage:
    """Everyone presses their next button (or sends /start) and waits for the bot's answer."""

    seconds: float
    retried: int  # updates the bot failed ("Sorry, something went wrong") and the user repeated


async def press_all(
    crowd: Crowd,
    bot: support.BotProcess,
    *,
    window: int,
    error_text: str,
    what: str,
    stop_at: str | None = None,
    unless: str | None = None,
    progress_every: int = 0,
) -> Stage:
    """Every user of `crowd` makes their next move, with at most `window` updates unanswered at
    any time (0: all at once), until each has the next button to press. With `stop_at`, each
    keeps going instead (the next button as soon as it is there, a walk through the flow) until
    the button to press next is the one labelled `stop_at`, which is left unpressed; with
    `unless`, not on a message that says `unless` (a step that waits for a tap, such as sitting
    down first: a person presses on there too).

    A user the bot answers with its apology instead does what a person would: the same again.
    """
    users = list(crowd.users.values())
    waiting = deque(users)
    moves: dict[int, Any] = {}
    retried = done = 0
    crowd.ready.clear()

    def act(user: Any) -> None:
        moves[user.chat_id] = user.move
        crowd.act(user)

    def top_up(record: RecordedRequest | None = None) -> None:
        nonlocal retried, done
        if record is not None and record.method == "sendMessage":
            chat = record.params.get("chat_id")
            user = crowd.users.get(int(chat)) if isinstance(chat, int | str) else None
            if user is not None and record.params.get("text") == error_text:
                user.move = moves.get(user.chat_id)
                waiting.appendleft(user)
                retried += 1
        while crowd.ready:
            user = crowd.users[crowd.ready.popleft()]
            if stop_at is None or (
                user.move is not None
                and user.move[2] == stop_at
                and (unless is None or unless not in user.said)
            ):
                done += 1
                if progress_every and done % progress_every == 0:
                    _progress(f"{what}: {done:,} of {len(users):,}")
            else:  # on with the walk, before anyone new starts
                waiting.appendleft(user)
        while waiting and (window <= 0 or crowd.pushed - crowd.handled < window):
            act(waiting.popleft())

    crowd.api.listeners.append(top_up)
    try:
        started = time.monotonic()
        top_up()
        await support.until(lambda: done >= len(users), bot, max(120.0, len(users) / 5), what)
        seconds = time.monotonic() - started
    finally:
        crowd.api.listeners.remove(top_up)
    _progress(f"{what}: {seconds:.1f} s" + (f", {retried} update(s) repeated" if retried else ""))
    return Stage(seconds, retried)


def bot_errors(bot: support.BotProcess) -> dict[str, int]:
    """What went wrong inside the bot, from its whole log (the process may have ended)."""
    path = bot.workdir / "stderr.log"
    log = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return {
        "errors_logged": log.count(" ERROR "),
        "database_is_locked": log.count("OperationalError) database is locked"),
    }


def _progress(message: str) -> None:
    script = Path(sys.argv[0]).stem  # timers, or memory when it walks its users through here
    print(f"[{script} {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def measure(database: str, args: Any) -> dict[str, Any]:
    content = load_content(support.ROOT / "content")
    choices = unattended(content)
    per_user = choices[0].follow_ups
    catalog = content.catalog("en")
    async with support.stand_in() as api:
        with tempfile.TemporaryDirectory(prefix="crampbench-") as folder:
            url = await support.fresh_database(database, Path(folder))
            bot = support.crampcoach(api, url, routine_time_scale=args.scale)
            code = support.bot_revision()  # what this process loads
            crowd = Crowd(api, "crampcoach")
            crowd.add(args.routines, first_chat=FIRST_CHAT)
            for index, user in enumerate(crowd.users.values()):
                choice = choices[index % len(choices)]
                # Next is never pressed: its arrival only tells the user the first step is there.
                user.choices = (choice.area, choice.position, catalog.button("next"))
            reader = RowReader(url)
            follow_ups = FollowUps(api, reader)
            rounds: list[dict[str, Any]] = []
            try:
                async with support.running(bot, api):
                    _progress(f"{database}: bot {bot.pid} up, log in {bot.workdir}")
                    for number in range(1, args.rounds + 1):
                        figures = await _round(crowd, bot, follow_ups, args, per_user, catalog)
                        rounds.append(figures)
                        _progress(f"round {number}: {figures}")
                    _, peak = bot.memory()
            finally:
                await asyncio.to_thread(reader.close)
            rejected = [f"{r.method}: {r.description}" for r in api.rejected]
    if rejected:
        raise RuntimeError(f"the stand-in refused requests: {rejected[:5]}")
    lateness = sorted(item.late for item in follow_ups.measured)
    started = [item for item in follow_ups.measured if item.started is not None]
    to_start = sorted(max(0.0, item.started - item.due) for item in started)  # type: ignore[operator]
    handling = sorted(item.arrived - item.started for item in started)  # type: ignore[operator]
    # A step whose own message reached the user only after its hold was over: its follow-up
    # came straight after it.
    shown_late = [
        item for item in follow_ups.measured if item.announced and item.announced > item.due
    ]
    timed = sum(r["timer_seconds"] for r in rounds)
    return {
        "bot_code": code,
        "routines": args.routines,
        "rounds": args.rounds,
        "time_scale": args.scale,
        "routes": [f"{c.area} / {c.position}: holds {c.holds} s unscaled" for c in choices],
        "expected": args.routines * args.rounds * per_user,
        "armed": follow_ups.armed,
        "measured": len(lateness),
        "missed": follow_ups.missed,
        "row_reads": reader.reads,
        "lateness_ms": [value * 1000 for value in lateness],
        "p50_ms": support.percentile(lateness, 50) * 1000,
        "p95_ms": support.percentile(lateness, 95) * 1000,
        "p99_ms": support.percentile(lateness, 99) * 1000,
        "max_ms": lateness[-1] * 1000 if lateness else float("nan"),
        # Lateness split at the moment the bot began handling the timer event.
        "start_p50_ms": support.percentile(to_start, 50) * 1000,
        "start_p99_ms": support.percentile(to_start, 99) * 1000,
        "handling_p50_ms": support.percentile(handling, 50) * 1000,
        "handling_p99_ms": support.percentile(handling, 99) * 1000,
        "steps_shown_after_their_hold": len(shown_late),
        "bot_cpu_share": sum(r["timer_cpu_seconds"] for r in rounds) / timed,
        "peak_rss_mb": peak,
        "repeated_updates": sum(r["repeated_updates"] for r in rounds),
        **bot_errors(bot),
        "per_round": rounds,
    }


async def _round(
    crowd: Crowd,
    bot: support.BotProcess,
    follow_ups: FollowUps,
    args: Any,
    per_user: int,
    catalog: Any,
) -> dict[str, Any]:
    """/start, area, position for everyone; then only the timers, until all have fired."""
    users = list(crowd.users.values())
    for user in users:
        user.move = None  # a fresh /start
    follow_ups.watch([user.chat_id for user in users])
    sorry = catalog.text("error_sorry")
    start = await press_all(crowd, bot, window=args.window, error_text=sorry, what="/start")
    area = await press_all(crowd, bot, window=args.window, error_text=sorry, what="area")
    # The position brings the first step. From here on nobody presses anything.
    before = len(follow_ups.measured)
    cpu_before = bot.cpu()
    pressed = time.monotonic()
    position = await press_all(
        crowd, bot, window=args.window, error_text=sorry, what="position (first step)"
    )
    everyone_started = time.time()
    complete = await _follow_ups(follow_ups, bot, before + len(users) * per_user)
    seconds = time.monotonic() - pressed
    mine = follow_ups.measured[before:]
    counts = Counter(item.chat_id for item in mine)
    short = [user.chat_id for user in users if counts[user.chat_id] < per_user]
    for chat_id in short[:3]:
        _progress(f"chat {chat_id} is short of follow-ups: {follow_ups.chats[chat_id].history}")
    for chat in follow_ups.chats.values():
        chat.history.clear()
    measured = len(mine)
    # Follow-ups due while others were still pressing their position, and those due after.
    during = sorted(item.late for item in mine if item.due < everyone_started)
    after = sorted(item.late for item in mine if item.due >= everyone_started)
    _progress(
        f"{measured:,} of {len(users) * per_user:,} follow-ups"
        + ("" if complete else " (the rest never came)")
        + f", {seconds:.1f} s after the first position press"
    )
    return {
        "start_seconds": start.seconds,
        "area_seconds": area.seconds,
        "position_seconds": position.seconds,  # until everyone's first step had arrived
        "timer_seconds": seconds,  # from the first position press to the last follow-up
        "timer_cpu_seconds": bot.cpu() - cpu_before,
        "follow_ups": measured,
        "due_while_starting": len(during),
        "p99_ms_while_starting": support.percentile(during, 99) * 1000,
        "due_after_starting": len(after),
        "p99_ms_after_starting": support.percentile(after, 99) * 1000,
        "repeated_updates": start.retried + area.retried + position.retried,
    }


async def _follow_ups(follow_ups: FollowUps, bot: support.BotProcess, expected: int) -> bool:
    """Wait for `expected` follow-ups in all; give up on the rest once every timer still armed
    is more than GIVE_UP s overdue and nothing came for as long (a follow-up the bot lost)."""
    last_count, last_change = -1, time.monotonic()
    while len(follow_ups.measured) < expected:
        bot.check_alive()
        now = time.monotonic()
        if len(follow_ups.measured) != last_count:
            last_count, last_change = len(follow_ups.measured), now
        dues = [armed.due for chat in follow_ups.chats.values() for armed in chat.armed]
        overdue = not dues or time.time() > max(dues) + GIVE_UP
        if overdue and now - last_change > GIVE_UP:
            return False
        await asyncio.sleep(0.05)
    return True


async def main() -> None:
    parser = support.parser(__doc__.splitlines()[0])
    parser.add_argument("--routines", type=int, default=1000, help="users, all at once")
    parser.add_argument("--rounds", type=int, default=2, help="routines each user does")
    parser.add_argument(
        "--scale",
        type=float,
        default=0.25,
        help="ROUTINE_TIME_SCALE: 0.25 makes 10-45 s holds 2.5-11 s",
    )
    parser.add_argument(
        "--window",
        type=int,
        default=100,
        help="updates unanswered at most while starting (0: all at once)",
    )
    args = parser.parse_args()
    if args.quick:
        args.routines, args.rounds, args.scale = 50, 1, 0.05
    results: dict[str, Any] = {}
    for database in support.database_names(args):
        results[database] = await measure(database, args)
    support.report(
        args,
        "timers",
        {"settings": vars(args), "results": results},
        render(results, args) + _revision(results),
    )


def render(results: dict[str, Any], args: Any) -> str:
    rows = []
    for database, figures in results.items():
        rows.append(
            [
                database,
                f"{figures['measured']:,} of {figures['expected']:,}",
                figures["p50_ms"],
                figures["p95_ms"],
                figures["p99_ms"],
                figures["max_ms"],
                figures["bot_cpu_share"],
                "yes" if figures["p99_ms"] < TARGET_P99_MS else "no",
            ]
        )
    header = [
        "database",
        "follow-ups measured",
        "p50 ms late",
        "p95 ms late",
        "p99 ms late",
        "max ms late",
        "bot CPU share",
        f"p99 < {TARGET_P99_MS:g} ms",
    ]
    title = (
        f"Timers: {args.routines:,} routines at once, {args.rounds} round(s), "
        f"ROUTINE_TIME_SCALE={args.scale:g}"
    )
    text = support.table(title, header, rows)
    split = [
        [
            database,
            figures["start_p50_ms"],
            figures["start_p99_ms"],
            figures["handling_p50_ms"],
            figures["handling_p99_ms"],
            f"{figures['steps_shown_after_their_hold']:,}",
            figures["repeated_updates"],
            figures["database_is_locked"],
            figures["errors_logged"],
        ]
        for database, figures in results.items()
    ]
    text += "\n" + support.table(
        "Where the lateness is: due -> the bot starts handling the timer (chat_states.updated_at), "
        "then -> its message at the stand-in; and what failed",
        [
            "database",
            "to start p50 ms",
            "to start p99 ms",
            "handling p50 ms",
            "handling p99 ms",
            "steps shown after their hold",
            "updates repeated",
            "'database is locked'",
            "errors logged",
        ],
        split,
    )
    phases = []
    for database, figures in results.items():
        for number, phase in enumerate(figures["per_round"], 1):
            phases.append(
                [
                    database,
                    number,
                    phase["start_seconds"],
                    phase["area_seconds"],
                    phase["position_seconds"],
                    phase["timer_seconds"],
                    phase["timer_cpu_seconds"] / phase["timer_seconds"],
                    f"{phase['due_while_starting']:,}",
                    phase["p99_ms_while_starting"],
                    f"{phase['due_after_starting']:,}",
                    phase["p99_ms_after_starting"],
                ]
            )
    text += "\n" + support.table(
        "Rounds: seconds until everyone's /start, area and position were answered; from the "
        "first position press to the last follow-up; follow-ups due before and after the last "
        "user reached the first step",
        [
            "database",
            "round",
            "/start s",
            "area s",
            "position s",
            "to last follow-up s",
            "bot CPU share",
            "due while starting",
            "their p99 ms",
            "due after",
            "their p99 ms",
        ],
        phases,
    )
    return text


def _revision(results: dict[str, Any]) -> str:
    codes = [
        f"{database} {figures['bot_code']['digest']} "
        f"(newest file {figures['bot_code']['newest_change']})"
        for database, figures in results.items()
    ]
    return "\nbot code each process loaded (digest of bot/**/*.py): " + "; ".join(codes) + "\n"


if __name__ == "__main__":
    asyncio.run(main())

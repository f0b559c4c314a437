"""PTB handlers around the coach: updates become events, actions become Bot API calls.

Nothing here decides what to say; it only delivers. What it does decide is
how to deliver safely: every button press is answered (so the spinner
stops), a user who blocked the bot is marked and left alone, Telegram's
flood limits are left to the rate limiter (`bot/telegram/lanes.py`: replies
at once, reminders on the broadcast budget), brief server errors are
retried a few times, and timers go through the JobQueue with no misfire
cut-off, so a late follow-up is still sent rather than silently dropped.

Bedtime reminders are the one thing sent without an update: a repeating
JobQueue job ticks the `ReminderDispatcher`, and `send_reminder` tells it
how each send ended, so it can retry, give up, or mark the user blocked.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any, TypeAlias

from telegram import (
    BotCommand,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    ContextTypes,
    Job,
    MessageHandler,
    filters,
)

from bot.coach import (
    COMMANDS,
    Attach,
    CancelTimer,
    Notify,
    Result,
    Say,
    StartTimer,
    TimerFired,
)
from bot.coach.flows.reminder_night import reminder_messages
from bot.content import Content
from bot.reminders.dispatcher import Delivery, Outcome, ReminderDispatcher, ReminderJob
from bot.service import ChatService
from bot.telegram.lanes import Lane
from bot.telegram.pictures import PictureSender
from bot.telegram.updates import Incoming, to_incoming

log = logging.getLogger(__name__)

TIMER_JOB_PREFIX = "coach-timer:"
REMINDER_JOB = "reminder-clock"
ReplyMarkup: TypeAlias = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
# PTB's Application is generic in six types we never customise.
App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


# Telegram's limits: a photo's caption, and a button's callback data.
MAX_CAPTION = 1024
MAX_CALLBACK_BYTES = 64


def markup(say: Say) -> ReplyMarkup | None:
    if say.location_button:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(say.location_button, request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    if say.remove_keyboard:
        return ReplyKeyboardRemove()
    if not say.buttons:
        return None
    for row in say.buttons:
        for button in row:
            if len(button.data.encode()) > MAX_CALLBACK_BYTES:
                raise ValueError(f"callback data too long for Telegram: {button.data!r}")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in say.buttons]
    )


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class TelegramAdapter:
    """Wires a `ChatService` into a PTB `Application`."""

    __slots__ = (
        "_paid_broadcast",
        "_reminder_grace",
        "_reminder_retry",
        "_reminder_tick",
        "_retry_delay",
        "_send_attempts",
        "_timers",
        "content",
        "dispatcher",
        "pictures",
        "service",
    )

    def __init__(
        self,
        service: ChatService,
        content: Content,
        *,
        send_attempts: int = 3,
        retry_delay: float = 0.5,
        reminder_tick: float = 20.0,
        reminder_grace: timedelta = timedelta(minutes=30),
        reminder_retry: timedelta = timedelta(seconds=30),
        paid_broadcast: bool = False,
    ) -> None:
        """`paid_broadcast`: send reminders with `allow_paid_broadcast` (over 30 a second, paid
        in Telegram Stars by the bot's owner)."""
        self.service = service
        self.content = content
        self._send_attempts = send_attempts
        self._retry_delay = retry_delay
        self._reminder_tick = reminder_tick
        self._reminder_grace = reminder_grace
        self._reminder_retry = reminder_retry
        self._paid_broadcast = paid_broadcast
        self.dispatcher: ReminderDispatcher | None = None
        self._timers: dict[int, Job[Any]] = {}
        self.pictures = PictureSender(service.sessions, content.directory)

    def install(self, app: App) -> None:
        app.add_handler(ChatMemberHandler(self.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
        app.add_handler(CallbackQueryHandler(self.on_update))
        app.add_handler(MessageHandler(filters.UpdateType.MESSAGE, self.on_update))
        app.add_error_handler(self.on_error)

    async def startup(self, app: App) -> None:
        """Publish the command menu, re-arm pending follow-ups, and start the reminder clock."""
        for language, catalog in self.content.catalogs.items():
            commands = [BotCommand(name, catalog.commands[name]) for name in COMMANDS]
            await app.bot.set_my_commands(
                commands, language_code=None if language == "en" else language
            )
        now = self.service.now()
        pending = await self.service.pending_timers()
        for chat_id, token, due_at in pending:
            self._arm(app, chat_id, token, due_at, now)
        if pending:
            log.info("Re-armed %d pending follow-up(s) from the database", len(pending))
        self._start_reminder_clock(app)

    def _start_reminder_clock(self, app: App) -> None:
        """One repeating job is the whole scheduler: reminders are rows, not APScheduler jobs."""
        job_queue = app.job_queue
        if job_queue is None:
            raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")

        async def send(job: ReminderJob) -> Delivery:
            return await self.send_reminder(app, job)

        self.dispatcher = ReminderDispatcher(
            self.service.sessions,
            send,
            grace=self._reminder_grace,
            retry_delay=self._reminder_retry,
            clock=self.service.now,
        )
        job_queue.run_repeating(
            self._reminder_clock,
            interval=self._reminder_tick,
            first=0.0,
            name=REMINDER_JOB,
            # A tick that overruns (a big fan-out under the rate limit) is simply not doubled.
            job_kwargs={"max_instances": 1, "coalesce": True, "misfire_grace_time": None},
        )

    async def _reminder_clock(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        if self.dispatcher is None:
            return
        report = await self.dispatcher.tick()
        if report.busy:
            log.info(
                "Reminders: %d sent, %d missed, %d blocked, %d failed, %d to retry",
                report.sent,
                report.missed,
                report.blocked,
                report.failed,
                report.retried,
            )

    async def send_reminder(self, app: App, job: ReminderJob) -> Delivery:
        """Send a reminder (and the six-week question with it) and say how it went.

        Reminders go in the broadcast lane, on its budget. Only the first message decides the
        outcome: once the reminder itself is out, a failure of the question that follows must
        not bring the reminder again.
        """
        messages = reminder_messages(
            self.content,
            language=job.language,
            night=job.local_date,
            snoozed=job.snoozed,
            ask_helping=job.ask_helping,
            kind=job.kind,
        )
        for index, say in enumerate(messages):
            try:
                await self._post(app, job.chat_id, say, Lane.BROADCAST)
            except TelegramError as error:
                failed = self._reminder_failure(app, job.chat_id, error)
                return failed if index == 0 else Delivery(Outcome.SENT)
        return Delivery(Outcome.SENT)

    def _reminder_failure(self, app: App, chat_id: int, error: TelegramError) -> Delivery:
        """What a failed reminder send means for the dispatcher; other errors propagate."""
        if isinstance(error, Forbidden):
            log.info("Chat %s blocked the bot; its reminders stop", chat_id)
            self._cancel_all_timers(app, chat_id)
            return Delivery(Outcome.BLOCKED)
        if isinstance(error, RetryAfter):  # the rate limiter already waited and retried
            return Delivery(Outcome.RETRY, retry_after=_seconds(error.retry_after))
        if isinstance(error, BadRequest):
            log.error("Telegram refused a reminder to chat %s: %s", chat_id, error.message)
            return Delivery(Outcome.FAILED)
        if isinstance(error, TimedOut):  # it may have arrived: never risk a second one
            return Delivery(Outcome.UNCERTAIN)
        if isinstance(error, NetworkError):
            log.warning("Reminder to chat %s not sent: %s", chat_id, error.message)
            return Delivery(Outcome.RETRY)
        raise error

    # -- incoming ----------------------------------------------------------------------------
    async def on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = to_incoming(update, context.bot.username)
        query = update.callback_query
        if incoming is None:
            if query is not None:
                await self._answer(query, None)
            return
        if not incoming.private:
            await self._group_reply(context, incoming, query)
            return
        await self.service.handle(
            incoming.chat_id,
            incoming.event,
            user_id=incoming.user_id,
            language=incoming.language,
            deliver=lambda result: self.deliver(
                context.application, incoming.chat_id, result, query
            ),
        )

    async def on_my_chat_member(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Keep the blocked flag true both ways: blocked on "kicked", unblocked on "member"."""
        change = update.my_chat_member
        if change is None or change.chat.type != "private":
            return
        status = change.new_chat_member.status
        blocked = status in (ChatMemberStatus.BANNED, ChatMemberStatus.LEFT)
        await self.service.set_blocked(change.from_user.id, blocked)
        if blocked:
            self._cancel_all_timers(context.application, change.chat.id)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log it for us; tell the user something kind; never show them a traceback."""
        log.error("Error while handling an update", exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if update.callback_query is not None:
            await self._answer(update.callback_query, None)
        if update.effective_chat.type == "private":
            catalog = self.content.catalog(
                update.effective_user.language_code if update.effective_user else None
            )
            try:
                await context.bot.send_message(
                    update.effective_chat.id, catalog.text("error_sorry")
                )
            except TelegramError:
                log.warning("Could not tell chat %s about the error", update.effective_chat.id)

    async def _group_reply(
        self, context: ContextTypes.DEFAULT_TYPE, incoming: Incoming, query: CallbackQuery | None
    ) -> None:
        text = self.content.catalog(incoming.language).text("group_only")
        if query is not None:
            await self._answer(query, text)
            return
        await self._send(context.application, incoming.chat_id, Say(text))

    # -- outgoing ----------------------------------------------------------------------------
    async def deliver(
        self,
        app: App,
        chat_id: int,
        result: Result,
        query: CallbackQuery | None = None,
    ) -> None:
        """Carry out the coach's actions in order: answer the button, arrange timers, send."""
        notes = [a.text for a in result.outbox if isinstance(a, Notify)]
        if query is not None:
            await self._answer(query, notes[0] if notes else None)
        now = self.service.now()
        for action in result.outbox:
            if isinstance(action, CancelTimer):
                self._cancel_timer(app, chat_id, action.token)
            elif isinstance(action, StartTimer):
                self._arm(app, chat_id, action.token, action.due_at, now)
        for action in result.outbox:
            if isinstance(action, Say | Attach) and not await self._send(app, chat_id, action):
                break

    async def _send(self, app: App, chat_id: int, say: Say | Attach) -> bool:
        """Send one message; False means stop sending to this chat (blocked or gone)."""
        for attempt in range(1, self._send_attempts + 1):
            try:
                await self._post(app, chat_id, say)
                return True
            except Forbidden:
                log.info("Chat %s blocked the bot; marking it and stopping its timers", chat_id)
                await self.service.set_blocked(chat_id, True)
                self._cancel_all_timers(app, chat_id)
                return False
            except BadRequest as error:
                log.error("Telegram refused a message to chat %s: %s", chat_id, error.message)
                return True
            except TimedOut:
                # The message may well have arrived; sending again could duplicate it.
                log.warning("Sending to chat %s timed out; not retrying", chat_id)
                return True
            except NetworkError as error:
                if attempt == self._send_attempts:
                    log.error("Giving up on a message to chat %s: %s", chat_id, error.message)
                    return True
                await asyncio.sleep(self._retry_delay * 2 ** (attempt - 1))
        return True

    async def _post(
        self, app: App, chat_id: int, say: Say | Attach, lane: Lane = Lane.CONVERSATION
    ) -> None:
        """One Bot API call; replies and follow-ups go in the conversation lane, at once."""
        lanes: dict[str, Any] = {"rate_limit_args": lane}
        if lane is Lane.BROADCAST and self._paid_broadcast:
            lanes["allow_paid_broadcast"] = True
        if isinstance(say, Attach):
            upload = InputFile(say.data, filename=say.filename)
            caption = say.caption or None
            if say.kind == "photo":
                await app.bot.send_photo(
                    chat_id, upload, caption=caption, parse_mode=ParseMode.HTML, **lanes
                )
            else:
                await app.bot.send_document(
                    chat_id, upload, caption=caption, parse_mode=ParseMode.HTML, **lanes
                )
            return
        # A caption longer than Telegram allows: the text goes alone, without the picture.
        if say.picture is not None and len(say.text) <= MAX_CAPTION:
            await self.pictures.send(
                app.bot,
                chat_id,
                say.picture,
                caption=say.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(say),
                disable_notification=say.silent,
                **lanes,
            )
            return
        await app.bot.send_message(
            chat_id,
            say.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(say),
            disable_notification=say.silent,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            **lanes,
        )

    async def _answer(self, query: CallbackQuery, text: str | None) -> None:
        try:
            await query.answer(text=text)
        except TelegramError as error:  # an old query id: nothing useful left to do
            log.info("Could not answer a button press: %s", error)

    # -- timers ------------------------------------------------------------------------------
    def _arm(self, app: App, chat_id: int, token: str, due_at: datetime, now: datetime) -> None:
        job_queue = app.job_queue
        if job_queue is None:
            raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")
        self._cancel_all_timers(app, chat_id)  # a chat has at most one follow-up armed
        delay = max(0.0, (due_at - now).total_seconds())
        self._timers[chat_id] = job_queue.run_once(
            self._timer_job,
            when=delay,
            data=(chat_id, token),
            name=f"{TIMER_JOB_PREFIX}{chat_id}",
            chat_id=chat_id,
            # APScheduler drops a job that is more than 1 s late by default; a late
            # follow-up is still wanted, so there is no grace limit.
            job_kwargs={"misfire_grace_time": None},
        )

    # Each chat's armed job is kept here rather than found by name: the JobQueue's lookup by
    # name builds every job in the queue, which with a thousand routines running cost
    # milliseconds on every step of every one of them.
    def _cancel_timer(self, app: App, chat_id: int, token: str) -> None:
        job = self._timers.get(chat_id)
        if job is not None and isinstance(job.data, tuple) and job.data[1] == token:
            del self._timers[chat_id]
            job.schedule_removal()

    def _cancel_all_timers(self, app: App, chat_id: int) -> None:
        job = self._timers.pop(chat_id, None)
        if job is not None:
            job.schedule_removal()

    async def _timer_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        job = context.job
        if job is None or not isinstance(job.data, tuple):
            return
        chat_id, token = job.data
        if self._timers.get(chat_id) is job:
            del self._timers[chat_id]
        await self.service.handle(
            chat_id,
            TimerFired(token),
            user_id=chat_id,
            from_user=False,
            deliver=lambda result: self.deliver(context.application, chat_id, result),
        )

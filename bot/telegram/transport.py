"""The runtime's `Transport` over python-telegram-bot: send, answer a button press, arm a timer.

This is the one place that reads Telegram's errors. A send that fails is not raised to the
runtime but told as an outcome: a 403 (Forbidden) means the person blocked the bot; a 429
(RetryAfter) reaching us means the rate limiter (`bot/telegram/lanes.py`) already waited it
out and retried, so it says how long to wait; a 400 (BadRequest) will never work; a timeout may
have delivered the message, so it must not be sent again; any other network error (a refused
connection, a 5xx) certainly did not, so it may be. Anything else is a bug and is raised.

Timers go through PTB's JobQueue with no misfire cut-off, so a late follow-up is still sent
rather than silently dropped.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any, TypeAlias

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    KeyboardButton,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application, ContextTypes, Job

from bot.coach import Attach, Say
from bot.runtime import SENT, Delivery, Fire, Lane, Message, Outcome
from bot.telegram.pictures import PictureSender

log = logging.getLogger(__name__)

TIMER_JOB_PREFIX = "coach-timer:"
ReplyMarkup: TypeAlias = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
# PTB's Application is generic in six types we never customise.
App: TypeAlias = Application[Any, Any, Any, Any, Any, Any]

_BLOCKED = Delivery(Outcome.BLOCKED)
_RETRY = Delivery(Outcome.RETRY)
_FAILED = Delivery(Outcome.FAILED)
_UNCERTAIN = Delivery(Outcome.UNCERTAIN)


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


def delivery(chat_id: int, error: TelegramError) -> Delivery:
    """What a failed send means (module doc); an error we do not understand is raised."""
    if isinstance(error, Forbidden):
        return _BLOCKED
    if isinstance(error, RetryAfter):  # the rate limiter already waited and retried
        return Delivery(Outcome.RETRY, retry_after=_seconds(error.retry_after))
    if isinstance(error, BadRequest):
        log.error("Telegram refused a message to chat %s: %s", chat_id, error.message)
        return _FAILED
    if isinstance(error, TimedOut):  # it may have arrived: never risk a second one
        log.warning("Sending to chat %s timed out; not sending it again", chat_id)
        return _UNCERTAIN
    if isinstance(error, NetworkError):
        log.warning("A message to chat %s was not sent: %s", chat_id, error.message)
        return _RETRY
    raise error


class _ArmedJob:
    """A JobQueue job as the runtime's `Armed`: cancelling it removes the job."""

    __slots__ = ("job",)

    def __init__(self, job: Job[Any]) -> None:
        self.job = job

    def cancel(self) -> None:
        self.job.schedule_removal()


class TelegramTransport:
    """Sends in the lane asked for; answers button presses; arms follow-ups in the JobQueue."""

    __slots__ = ("_app", "_paid_broadcast", "pictures")

    def __init__(self, app: App, pictures: PictureSender, *, paid_broadcast: bool = False) -> None:
        """`paid_broadcast`: send the broadcast lane with `allow_paid_broadcast` (over 30 a
        second, paid in Telegram Stars by the bot's owner)."""
        self._app = app
        self.pictures = pictures
        self._paid_broadcast = paid_broadcast

    async def send(self, chat_id: int, message: Message, lane: Lane) -> Delivery:
        try:
            await self._post(chat_id, message, lane)
        except TelegramError as error:
            return delivery(chat_id, error)
        return SENT

    async def answer(self, chat_id: int, press: CallbackQuery | None, note: str | None) -> None:
        if press is None:
            return
        try:
            await press.answer(text=note)
        except TelegramError as error:  # an old query id: nothing useful left to do
            log.info("Could not answer a button press: %s", error)

    def arm(self, chat_id: int, delay: float, fire: Fire) -> _ArmedJob:
        job_queue = self._app.job_queue
        if job_queue is None:
            raise RuntimeError("the JobQueue is missing: install python-telegram-bot[job-queue]")

        async def due(context: ContextTypes.DEFAULT_TYPE) -> None:
            await fire()

        job = job_queue.run_once(
            due,
            when=delay,
            name=f"{TIMER_JOB_PREFIX}{chat_id}",
            chat_id=chat_id,
            # APScheduler drops a job that is more than 1 s late by default; a late
            # follow-up is still wanted, so there is no grace limit.
            job_kwargs={"misfire_grace_time": None},
        )
        return _ArmedJob(job)

    async def _post(self, chat_id: int, message: Message, lane: Lane) -> None:
        """One Bot API call, in `lane` (the rate limiter's argument)."""
        bot = self._app.bot
        lanes: dict[str, Any] = {"rate_limit_args": lane}
        if lane is Lane.BROADCAST and self._paid_broadcast:
            lanes["allow_paid_broadcast"] = True
        if isinstance(message, Attach):
            upload = InputFile(message.data, filename=message.filename)
            caption = message.caption or None
            if message.kind == "photo":
                await bot.send_photo(
                    chat_id, upload, caption=caption, parse_mode=ParseMode.HTML, **lanes
                )
            else:
                await bot.send_document(
                    chat_id, upload, caption=caption, parse_mode=ParseMode.HTML, **lanes
                )
            return
        # A caption longer than Telegram allows: the text goes alone, without the picture.
        if message.picture is not None and len(message.text) <= MAX_CAPTION:
            await self.pictures.send(
                bot,
                chat_id,
                message.picture,
                caption=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(message),
                disable_notification=message.silent,
                **lanes,
            )
            return
        await bot.send_message(
            chat_id,
            message.text,
            parse_mode=ParseMode.HTML,
            reply_markup=markup(message),
            disable_notification=message.silent,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            **lanes,
        )

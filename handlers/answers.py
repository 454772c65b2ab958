"""Questions in free text: the crisis check first, then the bot's own functions (intents),
then the knowledge base; the theme menu, answers, the directory, and a human at hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot import actions, answers
from bot.answers import intents
from handlers import events, home, people, permanences, requests
from handlers.runtime.context import Context
from handlers.runtime.render import reply


async def question(update: Update, context: Context) -> None:
    """Any text that is not a command: crisis check first, then what the person asks of
    the bot itself, then the knowledge base."""
    message = update.effective_message
    if message is None or not message.text:
        return
    knowledge = context.services.knowledge
    session = await context.session(update)
    understood = knowledge.understand(message.text, session.tr.language)
    if understood.intent is not None and await act(
        update, context, understood.intent, message.text
    ):
        return
    replies = answers.respond(knowledge.pack, session.tr, understood)
    for answer in replies:
        await reply(update, context, answer)
    await context.services.usage.question(understood)
    if understood.signal is None and answers.unanswered(replies, session.tr):
        await context.services.content_loop.unanswered(message.text, session.tr.language)


async def feedback_button(update: Update, context: Context) -> None:
    """👍 / 👎 under an answer: counted for the entry, then the question goes away."""
    pack = context.services.pack

    def valid(argument: str) -> bool:
        vote, _, entry_id = argument.partition(".")
        return vote in ("up", "down") and pack.answer(entry_id) is not None

    action = await context.pressed(update, actions.FEEDBACK, valid, answer=False)
    if action is None or update.callback_query is None:
        return
    vote, _, entry_id = action.argument.partition(".")
    await context.services.content_loop.feedback(entry_id, vote == "up")
    tr = (await context.session(update)).tr
    await update.callback_query.answer(tr._("Merci pour votre avis !"))
    context.answered = True
    await reply(update, context, answers.answer(pack, tr, entry_id, edit=True, ask_feedback=False))


async def theme_button(update: Update, context: Context) -> None:
    pack = context.services.pack
    action = await context.pressed(
        update, actions.THEME, lambda arg: arg == actions.ALL or bool(pack.answers_in(arg))
    )
    if action is None:
        return
    tr = (await context.session(update)).tr
    if action.argument == actions.ALL:
        await reply(update, context, answers.themes(pack, tr, edit=True))
    else:
        await reply(update, context, answers.topics(pack, tr, action.argument))


async def answer_button(update: Update, context: Context) -> None:
    pack = context.services.pack
    action = await context.pressed(
        update, actions.ANSWER, lambda arg: pack.answer(arg) is not None
    )
    if action is None:
        return
    tr = (await context.session(update)).tr
    await reply(update, context, answers.answer(pack, tr, action.argument, edit=True))


async def where_button(update: Update, context: Context) -> None:
    pack = context.services.pack
    action = await context.pressed(
        update, actions.WHERE, lambda arg: arg == actions.ALL or pack.theme(arg) is not None
    )
    if action is None:
        return
    session = await context.session(update)
    theme = None if action.argument == actions.ALL else action.argument
    where = answers.where_to_go(pack, session.tr, theme, session.person.quartier)
    await reply(update, context, where)


async def where_command(update: Update, context: Context) -> None:
    session = await context.session(update)
    pack = context.services.pack
    where = answers.where_to_go(pack, session.tr, None, session.person.quartier)
    await reply(update, context, where)


async def themes_command(update: Update, context: Context) -> None:
    session = await context.session(update)
    await reply(update, context, answers.themes(context.services.pack, session.tr))


Route = Callable[[Update, Context, str], Awaitable[None]]


async def _events(update: Update, context: Context, text: str) -> None:
    session = await context.session(update)
    kind = intents.kind_mentioned(text)
    listing = await context.services.events.listing(session.tr, session.person.quartier, kind)
    await reply(update, context, listing)


async def _signup(update: Update, context: Context, text: str) -> None:
    session = await context.session(update)
    kind = intents.kind_mentioned(text)
    page = await context.services.events.to_join(session.tr, session.person.quartier, kind)
    await reply(update, context, page)


async def _mine(update: Update, context: Context, text: str) -> None:
    if intents.about_registrations(text):
        await events.my_registrations(update, context)
    else:
        await requests.my_requests(update, context)


def _simple(make: Callable[..., object]) -> Route:
    async def send(update: Update, context: Context, text: str) -> None:
        session = await context.session(update)
        await reply(update, context, make(session.tr))  # type: ignore[arg-type]

    return send


def _handler(handle: Callable[[Update, Context], Awaitable[None]]) -> Route:
    async def run(update: Update, context: Context, text: str) -> None:
        await handle(update, context)

    return run


ROUTES: dict[str, Route] = {
    "greeting": _handler(home.show_menu),
    "help": _handler(home.show_help),
    "thanks": _simple(intents.thanks),
    "goodbye": _simple(intents.goodbye),
    "boundary": _simple(intents.boundary),
    "privacy": _handler(people.show_privacy),
    "callback": _handler(requests.start_request),
    "permanences": _handler(permanences.show_permanences),
    "events": _events,
    "signup": _signup,
    "my_requests": _mine,
    "erase": _handler(people.ask_forget),
    "language": _handler(people.ask_language),
}


async def act(update: Update, context: Context, intent: str, text: str = "") -> bool:
    """Do what the intent asks (``text``: the person's words, for the kind of event they
    name); ``False`` for an intent this version does not know."""
    route = ROUTES.get(intent)
    if route is None:
        return False
    await route(update, context, text)
    return True


async def offered_function_button(update: Update, context: Context) -> None:
    """A function offered as a choice ("did you mean..."): opened below, the message
    that offered it (a crisis card, perhaps) stays on screen."""
    action = await context.pressed(update, actions.INTENT)
    if action is None:
        return
    context.keep_pressed = True
    await act(update, context, action.argument)

"""Questions: free text, the theme menu, answers, the directory, and a human at hand."""

from __future__ import annotations

from telegram import Update

from bot import actions, answers
from handlers import intents
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
    if understood.intent is not None and await intents.act(
        update, context, understood.intent, message.text
    ):
        return
    replies = answers.respond(knowledge.pack, session.tr, understood)
    for answer in replies:
        await reply(update, context, answer)
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

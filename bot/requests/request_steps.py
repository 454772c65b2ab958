"""A callback request's steps: their names and limits, and the question each one asks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot import actions, conversations
from bot.i18n import N_, Translator
from bot.storage import RequestRecord
from bot.territory import PROFILES, SUBJECTS_EXTRA, Pack
from bot.ui import Button, Reply, esc, rows

FLOW = conversations.REQUEST

MESSAGE_FLOW = conversations.MESSAGE

SIGNUP_FLOW = conversations.SIGNUP
"""A sign-up's questions (bot/signup.py): one conversation per person, so they give way."""


MAX_DESCRIPTION = 500

AVAILABILITY: dict[str, str] = {
    "weekday_morning": N_("En semaine, le matin"),
    "weekday_afternoon": N_("En semaine, l'après-midi"),
    "weekday_evening": N_("En semaine, en fin de journée"),
    "saturday": N_("Le samedi"),
    "any": N_("N'importe quand"),
}

PROFILE_LABELS: dict[str, str] = {
    "young": N_("Un·e jeune (moins de 26 ans)"),
    "resident": N_("Un·e habitant·e du quartier"),
    "parent": N_("Un parent"),
}

SOURCES = ("menu", "answer", "deeplink", "crisis", "command")


@dataclass(frozen=True)
class RequestStep:
    """What a step produced: replies for the person, and the request if it was sent."""

    replies: tuple[Reply, ...]
    created: RequestRecord | None = None


def _quick(data: dict[str, Any]) -> bool:
    """An urgent request from a crisis card: it asks only how to answer."""
    return bool(data.get("urgent")) and data.get("source") == "crisis"


def subject_label(pack: Pack, tr: Translator, subject: str) -> str:
    theme = pack.theme(subject)
    if theme is not None:
        return f"{theme.emoji} {theme.name.get(tr.language)}".strip()
    if subject == "conflit":
        return tr._("🤝 Conflit de voisinage")
    if subject == "famille":
        return tr._("👪 Famille / violences")
    return tr._("💬 Autre chose")


def normalise_phone(pack: Pack, raw: str) -> str | None:
    """A phone number of the territory, written the local way, or ``None`` if it is not one."""
    digits = re.sub(r"[\s.\-()/]", "", raw.strip())
    prefix = pack.territory.phone_prefix
    if digits.startswith(prefix):
        digits = digits[len(prefix) :]
        if pack.territory.phone_digits == 10:  # France: +33 6… is 06…
            digits = "0" + digits
    elif digits.startswith("00" + prefix[1:]):
        digits = digits[2 + len(prefix) - 1 :]
        if pack.territory.phone_digits == 10:
            digits = "0" + digits
    if not digits.isdigit() or len(digits) != pack.territory.phone_digits:
        return None
    if pack.territory.phone_digits == 10 and (digits[0] != "0" or digits[1] == "0"):
        return None
    return " ".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def _cancel_row(tr: Translator) -> tuple[Button, ...]:
    return (Button(tr._("✖️ Annuler la demande"), actions.request_step("cancel", "-")),)


def ask_step(
    pack: Pack, step: str, data: dict[str, Any], tr: Translator, resumed: bool = False
) -> Reply:
    """The question of a step, with its buttons."""
    intro = tr._("Vous aviez commencé une demande, on reprend :") + "\n\n" if resumed else ""
    if step == "subject":
        subjects = [t.id for t in pack.themes.themes if t.id != "voisinage"] + [
            "voisinage",
            *SUBJECTS_EXTRA,
        ]
        subjects = [s for s in dict.fromkeys(subjects) if pack.theme(s) or s in SUBJECTS_EXTRA]
        buttons = [
            Button(subject_label(pack, tr, s), actions.request_step("subject", s))
            for s in subjects
        ]
        text = tr._(
            "📞 <b>Parler à un·e médiateur·rice</b>\nC'est à quel sujet ? Vous restez anonyme : "
            "je ne vous demanderai ni votre nom ni votre numéro, sauf si vous voulez être "
            "appelé·e."
        )
        return Reply(intro + text, (*rows(*buttons, per_row=2), _cancel_row(tr)))
    if step == "profile":
        buttons = [
            Button(tr._(PROFILE_LABELS[p]), actions.request_step("profile", p)) for p in PROFILES
        ]
        text = tr._("Vous êtes :")
        return Reply(intro + text, (*rows(*buttons), _cancel_row(tr)))
    if step == "describe":
        text = tr._(
            "En quelques mots, de quoi s'agit-il ? Écrivez-le ici, ou passez cette étape. "
            "Inutile de donner des détails sur votre santé si vous ne le souhaitez pas."
        )
        skip = (Button(tr._("Passer ⏭"), actions.request_step("describe", "-")),)
        return Reply(intro + text, (skip, _cancel_row(tr)))
    if step == "channel":
        text = tr._("Comment voulez-vous qu'on vous réponde ?")
        choices = (
            (Button(tr._("💬 Ici, dans Telegram (anonyme)"),
                    actions.request_step("channel", "telegram")),),
            (Button(tr._("📞 Par téléphone"), actions.request_step("channel", "phone")),),
        )  # fmt: skip
        return Reply(intro + text, (*choices, _cancel_row(tr)))
    if step == "phone":
        text = tr._("Écrivez votre numéro de téléphone (par exemple {example}).").format(
            example=esc(example_phone(pack))
        )
        back = (Button(tr._("💬 Plutôt ici, dans Telegram"),
                       actions.request_step("channel", "telegram")),)  # fmt: skip
        return Reply(intro + text, (back, _cancel_row(tr)))
    if step == "consent":
        text = tr._(
            "Votre numéro {phone} servira uniquement à vous rappeler pour cette demande. "
            "Il ne sera montré qu'à la personne de l'équipe qui la prend en charge, et effacé "
            "quand elle sera close. D'accord ?"
        ).format(phone=f"<b>{esc(data.get('phone', ''))}</b>")
        agree = rows(
            Button(tr._("✅ J'accepte"), actions.request_step("consent", "yes")),
            Button(tr._("Non, plutôt ici"), actions.request_step("consent", "no")),
            per_row=2,
        )
        return Reply(intro + text, (*agree, _cancel_row(tr)))
    if step == "availability":
        buttons = [
            Button(tr._(label), actions.request_step("availability", key))
            for key, label in AVAILABILITY.items()
        ]
        text = tr._("Quand êtes-vous disponible ?")
        return Reply(intro + text, (*rows(*buttons, per_row=2), _cancel_row(tr)))
    if step == "quartier":
        buttons = [
            Button(q.name, actions.request_step("quartier", q.id)) for q in pack.places.quartiers
        ]
        buttons.append(
            Button(tr._("Je préfère ne pas le dire"), actions.request_step("quartier", "-"))
        )
        text = tr._("Dans quel quartier habitez-vous ? Cela aide à trouver la bonne équipe.")
        return Reply(intro + text, (*rows(*buttons, per_row=2), _cancel_row(tr)))
    return summary(pack, data, tr, intro)


def example_phone(pack: Pack) -> str:
    return "06 12 34 56 78" if pack.territory.phone_digits == 10 else "12 34 56"


def summary(pack: Pack, data: dict[str, Any], tr: Translator, intro: str) -> Reply:
    lines = [tr._("<b>Votre demande</b>")]
    lines.append(tr._("Sujet : {subject}").format(
        subject=esc(subject_label(pack, tr, data["subject"]))))  # fmt: skip
    if data.get("description"):
        lines.append(tr._("Vos mots : {text}").format(text=esc(data["description"])))
    if data["channel"] == "phone":
        lines.append(tr._("Contact : par téléphone, au {phone}").format(
            phone=esc(data["phone"])))  # fmt: skip
    else:
        lines.append(tr._("Contact : ici, dans Telegram, sans donner votre nom"))
    when = AVAILABILITY[data["availability"]]
    lines.append(tr._("Disponible : {when}").format(when=esc(tr._(when))))
    buttons = (
        (Button(tr._("📨 Envoyer"), actions.request_step("confirm", "send")),),
        _cancel_row(tr),
    )
    return Reply(intro + "\n".join(lines), buttons)

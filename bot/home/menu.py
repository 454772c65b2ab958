"""The first conversation: welcome, main menu, help, and the kind words for the unexpected."""

from __future__ import annotations

from bot import actions
from bot.i18n import N_, Translator
from bot.people import exit_button
from bot.territory import Pack
from bot.ui import Button, Reply, esc, rows


def main_menu_buttons(tr: Translator) -> tuple[tuple[Button, ...], ...]:
    return (
        *rows(
            Button(tr._("💬 Poser une question"), actions.menu("ask")),
            Button(tr._("📅 Permanences"), actions.menu("permanences")),
            Button(tr._("🎉 Événements"), actions.menu("events")),
            Button(tr._("📞 Être rappelé·e"), actions.menu("callback")),
            Button(tr._("📋 Mes demandes"), actions.menu("mine")),
            Button(tr._("🚨 Numéros d'urgence"), actions.menu("urgence")),
            Button(tr._("📣 Annonces"), actions.menu("subscriptions")),
            Button(tr._("🌐 Langue / Language"), actions.menu("language")),
            per_row=2,
        ),
        (exit_button(tr),),
    )


def privacy_notice(tr: Translator) -> str:
    """Two lines, shown at /start: what we know, and how to learn more or erase it."""
    return tr._(
        "🔒 Ici, vous restez anonyme : je ne connais ni votre nom ni votre numéro.\n"
        "Je ne garde que vos choix (langue, quartier). En savoir plus : /confidentialite "
        "· tout effacer : /oublier"
    )


def welcome(pack: Pack, tr: Translator) -> Reply:
    """The answer to /start."""
    service = esc(pack.territory.service.get(tr.language))
    text = (
        tr._("Bonjour ! Je suis Passerelle, l'assistant de <b>{service}</b>.").format(
            service=service
        )
        + "\n\n"
        + esc(pack.territory.description.get(tr.language))
        + "\n\n"
        + privacy_notice(tr)
        + "\n\n"
        + tr._("Que puis-je faire pour vous ?")
    )
    return Reply(text, main_menu_buttons(tr))


def main_menu(tr: Translator, *, edit: bool = False) -> Reply:
    """The menu on its own (/menu, or the "main menu" button)."""
    return Reply(tr._("Que puis-je faire pour vous ?"), main_menu_buttons(tr), edit=edit)


def help_text(pack: Pack, tr: Translator) -> Reply:
    text = "\n".join(
        (
            tr._("<b>Comment ça marche</b>"),
            tr._("Choisissez dans le menu, ou écrivez votre question avec vos mots."),
            "",
            tr._("/menu — le menu principal"),
            tr._("/themes — les questions par thème"),
            tr._("/oualler — où aller, près de chez vous"),
            tr._("/urgence — les numéros d'urgence et d'écoute"),
            tr._("/langue — changer de langue"),
            tr._("/quartier — choisir votre quartier"),
            tr._("/abonnements — les annonces que vous recevez"),
            tr._("/confidentialite — ce que je garde, et pourquoi"),
            tr._("/oublier — effacer tout ce qui vous concerne"),
            tr._("/effacer — effacer l'écran : nos messages disparaissent de ce téléphone"),
            "",
            tr._("En danger ? Appelez tout de suite le {number}.").format(
                number=esc(pack.emergency_numbers()[0].number)
            ),
        )
    )
    return Reply(text, ((Button(tr._("Menu principal"), actions.menu("main")),),))


def back_to_menu(tr: Translator) -> tuple[tuple[Button, ...], ...]:
    return ((Button(tr._("⬅️ Menu principal"), actions.menu("main")),),)


def unsupported_content(tr: Translator, kind: str) -> Reply:
    """A sticker, photo, voice note or file where only text is understood."""
    what = {
        "sticker": tr._("Joli sticker ! Mais je ne comprends que le texte."),
        "photo": tr._("Je ne peux pas regarder les photos."),
        "voice": tr._("Je ne peux pas écouter les messages vocaux."),
        "video": tr._("Je ne peux pas regarder les vidéos."),
        "document": tr._("Je ne peux pas ouvrir les fichiers."),
        "location": tr._("Merci, mais je n'utilise pas la localisation."),
        "contact": tr._("Merci, mais je n'ai pas besoin de contact ici."),
    }.get(kind, tr._("Je ne comprends que les messages écrits."))
    text = (
        what
        + " "
        + tr._("Écrivez-moi votre question en quelques mots, ou choisissez dans le menu.")
    )
    return Reply(text, back_to_menu(tr))


def edited_message(tr: Translator) -> Reply:
    return Reply(
        tr._(
            "J'ai vu que vous avez modifié un message : je ne lis pas les modifications. "
            "Envoyez plutôt un nouveau message."
        )
    )


def unknown_command(tr: Translator) -> Reply:
    return Reply(
        tr._("Je ne connais pas cette commande. Voici ce que je sais faire :"),
        main_menu_buttons(tr),
    )


def stale_button(tr: Translator) -> str:
    """Short text for a button that is no longer valid (or was never ours)."""
    return tr._("Ce bouton n'est plus valable. Reprenez depuis le menu : /menu")


def something_went_wrong(tr: Translator) -> Reply:
    return Reply(
        tr._(
            "Oups, quelque chose s'est mal passé de mon côté. Réessayez dans un instant. "
            "En cas d'urgence : /urgence"
        )
    )


def not_for_groups(tr: Translator) -> Reply:
    return Reply(tr._("Écrivez-moi plutôt en message privé, pour rester anonyme."))


def command_menu(tr: Translator) -> tuple[tuple[str, str], ...]:
    """The commands shown in Telegram's menu, in the person's language."""
    if tr.language == "en":
        return (
            ("start", tr._("Accueil et menu")),
            ("menu", tr._("Le menu principal")),
            ("themes", tr._("Les questions par thème")),
            ("where", tr._("Où aller, près de chez vous")),
            ("callback", tr._("Être rappelé·e par un·e médiateur·rice")),
            ("my_requests", tr._("Mes demandes")),
            ("permanences", tr._("Les prochaines permanences")),
            ("events", tr._("Les événements du quartier")),
            ("my_registrations", tr._("Mes inscriptions")),
            ("subscriptions", tr._("Les annonces que vous recevez")),
            ("emergency", tr._("Numéros d'urgence et d'écoute")),
            ("language", tr._("Changer de langue")),
            ("quartier", tr._("Choisir votre quartier")),
            ("privacy", tr._("Vos données")),
            ("forget", tr._("Tout effacer")),
            ("clear", tr._("Effacer l'écran")),
            ("help", tr._("Aide")),
        )
    return (
        ("start", tr._("Accueil et menu")),
        ("menu", tr._("Le menu principal")),
        ("urgence", tr._("Numéros d'urgence et d'écoute")),
        ("themes", tr._("Les questions par thème")),
        ("oualler", tr._("Où aller, près de chez vous")),
        ("rappel", tr._("Être rappelé·e par un·e médiateur·rice")),
        ("mes_demandes", tr._("Mes demandes")),
        ("permanences", tr._("Les prochaines permanences")),
        ("evenements", tr._("Les événements du quartier")),
        ("mes_inscriptions", tr._("Mes inscriptions")),
        ("abonnements", tr._("Les annonces que vous recevez")),
        ("langue", tr._("Changer de langue")),
        ("quartier", tr._("Choisir votre quartier")),
        ("confidentialite", tr._("Vos données")),
        ("oublier", tr._("Tout effacer")),
        ("effacer", tr._("Effacer l'écran")),
        ("aide", tr._("Aide")),
    )


# The staff group's commands as registered in handlers/runtime/app.py: French name, English alias,
# what it does. Only commands that work in the group: a coordinator's private-only ones
# (/nouvel_evenement) would only answer "write to me privately" there.
_STAFF_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("file", "queue", N_("Les demandes ouvertes de l'équipe")),
    ("mes_suivis", "my_followups", N_("Les demandes que je suis")),
    ("note", "note", N_("Une note interne, en réponse à la carte d'une demande")),
    ("notes", "notes", N_("Les notes d'une demande, en réponse à sa carte")),
    ("prenom", "show_name", N_("Montrer ou non mon prénom aux personnes (oui/non)")),
    ("reponses_types", "canned_replies", N_("Les réponses types (ajout : coordination)")),
    ("inscrits", "attendees", N_("Les inscrit·e·s d'un événement")),
    ("presences", "attendance", N_("Noter qui est venu à un événement")),
    ("affiche", "poster", N_("Une affiche à imprimer (A4), avec son propre lien")),
    ("staff", "staff", N_("L'équipe et ses rôles")),
    ("stats", "stats", N_("Les chiffres du bilan (coordination)")),
    ("sans_reponse", "unanswered", N_("Les questions restées sans réponse (coordination)")),
    ("pauses", "pauses", N_("Les personnes en pause, et lever une pause (coordination)")),
    ("annuler_evenement", "cancel_event", N_("Annuler un événement (coordination)")),
    ("permanence_annuler", "cancel_permanence",
     N_("Annuler une date de permanence (coordination)")),
    ("permanence_ajouter", "add_permanence",
     N_("Ajouter une date de permanence (coordination)")),
    ("permanence_retablir", "restore_permanence",
     N_("Rétablir une date de permanence annulée (coordination)")),
    ("diffusions", "broadcasts", N_("Les annonces envoyées, et où elles en sont (coordination)")),
    ("topic", "topic", N_("Envoyer les demandes d'une équipe dans ce sujet (coordination)")),
    ("staff_ajouter", "staff_add",
     N_("Ajouter un membre, en réponse à son message (coordination)")),
    ("staff_retirer", "staff_remove",
     N_("Retirer un membre, en réponse à son message (coordination)")),
)  # fmt: skip


def staff_command_menu(tr: Translator) -> tuple[tuple[str, str], ...]:
    """The commands shown in Telegram's menu in the staff group, in the member's language
    (English aliases in English), the daily ones first."""
    english = tr.language == "en"
    return tuple((en if english else fr, tr._(text)) for fr, en, text in _STAFF_COMMANDS)


def language_choice(tr: Translator, *, edit: bool = False) -> Reply:
    return Reply(
        tr._("Choisissez votre langue :"),
        rows(
            Button("🇫🇷 Français", actions.language("fr")),
            Button("🇬🇧 English", actions.language("en")),
            per_row=2,
        ),
        edit=edit,
    )


def language_changed(tr: Translator) -> Reply:
    """Confirmation, already in the new language."""
    return Reply(tr._("C'est noté, je vous parle en français."), main_menu_buttons(tr), edit=True)


def broken_link(tr: Translator) -> Reply:
    """A poster's link that is unknown, tampered with, or for something that has ended."""
    return Reply(
        tr._("Ce lien n'est plus valable (l'affiche est peut-être ancienne). Voici le menu :"),
        main_menu_buttons(tr),
    )

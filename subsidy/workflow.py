"""The states of an application and the one table of moves between them (SUBSIDY.md "Workflow").

Every service that changes a status asks `transition_target` first; nothing else decides who
may move an application where. Pure: no database.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Status(models.TextChoices):
    DRAFT = "draft", gettext_lazy("下書き")
    SUBMITTED = "submitted", gettext_lazy("申請済み")
    RETURNED = "returned", gettext_lazy("差し戻し中")
    RESUBMITTED = "resubmitted", gettext_lazy("再申請済み")
    GRANTED = "granted", gettext_lazy("交付決定済み")
    REPORTED = "reported", gettext_lazy("実績報告済み")
    CONFIRMED = "confirmed", gettext_lazy("額の確定済み")
    CLAIMED = "claimed", gettext_lazy("請求済み")
    PAID = "paid", gettext_lazy("支払済み")


class Actor(models.TextChoices):
    # Association members act through their owner (会長・代表者); editors prepare drafts only.
    OWNER = "owner", gettext_lazy("自治会の管理者")
    CITY = "city", gettext_lazy("市の担当者")


class Action(models.TextChoices):
    SUBMIT = "submit", gettext_lazy("申請書の提出")
    RETURN = "return", gettext_lazy("差し戻し")
    RESUBMIT = "resubmit", gettext_lazy("再提出")
    GRANT = "grant", gettext_lazy("交付決定")
    REPORT = "report", gettext_lazy("実績報告")
    REPORT_RETURN = "report_return", gettext_lazy("実績報告の差し戻し")
    CONFIRM = "confirm", gettext_lazy("額の確定")
    CLAIM = "claim", gettext_lazy("交付請求")
    PAY = "pay", gettext_lazy("支払の記録")


@dataclass(frozen=True)
class Transition:
    sources: frozenset[Status]
    target: Status
    actor: Actor


TRANSITIONS: dict[Action, Transition] = {
    Action.SUBMIT: Transition(frozenset({Status.DRAFT}), Status.SUBMITTED, Actor.OWNER),
    Action.RETURN: Transition(
        frozenset({Status.SUBMITTED, Status.RESUBMITTED}), Status.RETURNED, Actor.CITY
    ),
    Action.RESUBMIT: Transition(frozenset({Status.RETURNED}), Status.RESUBMITTED, Actor.OWNER),
    Action.GRANT: Transition(
        frozenset({Status.SUBMITTED, Status.RESUBMITTED}), Status.GRANTED, Actor.CITY
    ),
    Action.REPORT: Transition(frozenset({Status.GRANTED}), Status.REPORTED, Actor.OWNER),
    # A report with a wrong receipt goes back for correction; the grant stands.
    Action.REPORT_RETURN: Transition(frozenset({Status.REPORTED}), Status.GRANTED, Actor.CITY),
    Action.CONFIRM: Transition(frozenset({Status.REPORTED}), Status.CONFIRMED, Actor.CITY),
    Action.CLAIM: Transition(frozenset({Status.CONFIRMED}), Status.CLAIMED, Actor.OWNER),
    Action.PAY: Transition(frozenset({Status.CLAIMED}), Status.PAID, Actor.CITY),
}

# The association may change its figures only while the city is not looking at them.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})


class TransitionRefused(Exception):
    """A move the table does not allow; the message is for the person who tried it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def transition_target(*, status: str, action: Action, actor: Actor) -> Status:
    """Where `action` by `actor` takes an application in `status`; raises TransitionRefused."""
    transition = TRANSITIONS[action]
    if actor != transition.actor:
        raise TransitionRefused(
            _("「%(action)s」は%(actor)sだけができます。")
            % {"action": action.label, "actor": transition.actor.label}
        )
    if status not in transition.sources:
        raise TransitionRefused(
            _("この申請は今「%(status)s」なので、「%(action)s」はできません。")
            % {"status": Status(status).label, "action": action.label}
            + _hint(action)
        )
    return transition.target


def actions_available(*, status: str, actor: Actor) -> list[Action]:
    return [
        action
        for action, transition in TRANSITIONS.items()
        if transition.actor == actor and status in transition.sources
    ]


def _hint(action: Action) -> str:
    hints = {
        Action.REPORT: _("実績報告は、市の交付決定を受けてからできます。"),
        Action.CLAIM: _("交付請求は、市が補助金の額を確定してからできます。"),
        Action.GRANT: _("交付決定できるのは、提出された申請だけです。"),
        Action.CONFIRM: _("額の確定は、実績報告が届いてからできます。"),
        Action.PAY: _("支払の記録は、交付請求が届いてからできます。"),
    }
    return hints.get(action, "")

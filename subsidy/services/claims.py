"""The claim (交付請求): the confirmed amount, into the association's bank account."""

from dataclasses import asdict
from datetime import date

from django.utils.translation import gettext as _

from subsidy.bank import BankAccount
from subsidy.models import Application, Document
from subsidy.services.audit import application_transition, owner_require
from subsidy.workflow import Action
from tenants.models import User


def claim_submit(
    *, application: Application, user: User, account: BankAccount, today: date, seal: bool = True
) -> Application:
    """File the claim for the confirmed amount; the claim form is frozen with the account."""
    actor = owner_require(user=user, application=application, what=_("交付請求"))
    return application_transition(
        application=application,
        user=user,
        action=Action.CLAIM,
        actor_kind=actor,
        changes=lambda application: {
            # The account's fields are the application's columns of the same names.
            **asdict(account),
            "seal_on_claim": seal,
            "claimed_on": today,
        },
        document=Document.Kind.CLAIM,
        issued_on=today,
    )

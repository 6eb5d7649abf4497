"""The claim (交付請求): the confirmed amount, into the association's bank account."""

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from subsidy.bank import BankAccount
from subsidy.models import Application, Document
from subsidy.services.audit import application_snapshot, audit_write, owner_require
from subsidy.services.documents import document_freeze
from subsidy.workflow import Action, transition_target
from tenants.models import User


def claim_submit(
    *, application: Application, user: User, account: BankAccount, today: date, seal: bool = True
) -> Application:
    """File the claim for the confirmed amount; the claim form is frozen with the account."""
    actor = owner_require(user=user, application=application, what=_("交付請求"))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        target = transition_target(status=application.status, action=Action.CLAIM, actor=actor)
        before = application_snapshot(application)
        application.status = target
        for field in (
            "bank_name",
            "bank_code",
            "branch_name",
            "branch_code",
            "account_type",
            "account_number",
            "account_holder",
        ):
            setattr(application, field, getattr(account, field))
        application.seal_on_claim = seal
        application.claimed_on = today
        application.save()
        document = document_freeze(
            application=application, kind=Document.Kind.CLAIM, user=user, issued_on=today
        )
        audit_write(
            application=application,
            action=Action.CLAIM,
            actor=user,
            actor_kind=actor,
            before=before,
            extra={"document": {"id": document.pk, "sha256": document.sha256}},
        )
    return application

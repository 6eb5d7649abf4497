"""Groups inside an association (班, 役員, 子ども会 …)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from delivery.models import Group
from tenants.models import StaffAction
from tenants.services import staff_action_record


def group_create(*, name: str, self_selectable: bool = True) -> Group:
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("グループ名を入力してください。")})
    position = (Group.objects.aggregate(Max("position"))["position__max"] or 0) + 1
    try:
        with transaction.atomic():
            group = Group.objects.create(
                name=name, self_selectable=self_selectable, position=position
            )
            staff_action_record(
                action=StaffAction.Action.GROUP_CREATE, target=group.name, target_id=group.pk
            )
            return group
    except IntegrityError as error:
        raise ValidationError({"name": _("同じ名前のグループがすでにあります。")}) from error

"""Writing notices, sending them now or on schedule (予約配信), and repeating them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.selectors import association_sending_allowed
from delivery import tasks
from delivery.audience import Audience
from delivery.models import Delivery, LibraryFile, Notice, Question, Recurrence
from delivery.questions import QuestionSpec
from delivery.recurrence import occurrence_next_monthly, occurrence_next_weekly
from delivery.registry.models import DueNotice
from delivery.selectors import audience_subscribers, notice_audience
from delivery.services.answers import question_set
from delivery.services.outbound import deliveries_enqueue, delivery_fields
from tenants.connection import connection
from tenants.models import StaffAction, User
from tenants.services import staff_action_record

# dramatiq's delay queues hold messages for less than a week (FIELD-NOTES); later notices
# are left to the per-minute sweep of due notices alone.
_DELAY_LIMIT = timedelta(days=6)


@dataclass(frozen=True)
class RecurrenceRule:
    frequency: Recurrence.Frequency
    time_of_day: time
    day_of_month: int | None = None
    weekday: int | None = None


class NoticeAlreadyCreated(Exception):
    """The review form with this send key has already made a notice (a second tap, a retry)."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.pk)
        self.notice = notice


def _occurrence_next(rule: Recurrence, after: datetime) -> datetime:
    if rule.frequency == Recurrence.Frequency.MONTHLY:
        assert rule.day_of_month is not None
        return occurrence_next_monthly(
            day_of_month=rule.day_of_month, at=rule.time_of_day, after=after
        )
    assert rule.weekday is not None
    return occurrence_next_weekly(weekday=rule.weekday, at=rule.time_of_day, after=after)


def notice_create(
    *,
    author: User,
    subject: str,
    body: str,
    audience: Audience,
    scheduled_at: datetime | None = None,
    recurrence: RecurrenceRule | None = None,
    question: QuestionSpec | None = None,
    library_file_ids: Sequence[int] = (),
    send_key: UUID | None = None,
) -> Notice:
    """Write a notice (with its question and linked library files) and send it now, or
    schedule it; all or nothing. A send key already used raises NoticeAlreadyCreated."""
    if send_key is not None:
        earlier = Notice.objects.filter(send_key=send_key).first()
        if earlier is not None:
            raise NoticeAlreadyCreated(earlier)
    if not audience.chosen:
        raise ValidationError(_("宛先を選んでください（全員、グループ、または個人）。"))
    if not association_sending_allowed(association=connection.tenant):
        raise ValidationError(
            _(
                "お支払いが確認できないため、配信を一時停止しています。"
                "請求書をご確認ください（データは消えません）。"
            )
        )
    if scheduled_at is not None and scheduled_at <= timezone.now():
        raise ValidationError(_("配信日時が過ぎています。これから先の日時を指定してください。"))
    with transaction.atomic():
        rule = None
        if recurrence is not None:
            rule = Recurrence.objects.create(
                frequency=recurrence.frequency,
                time_of_day=recurrence.time_of_day,
                day_of_month=recurrence.day_of_month,
                weekday=recurrence.weekday,
            )
            scheduled_at = _occurrence_next(rule, timezone.now())
        try:
            with transaction.atomic():  # a savepoint, so that the refusal below can read
                notice = Notice.objects.create(
                    subject=subject.strip(),
                    body=body,
                    to_everyone=audience.everyone,
                    author_id=author.pk,
                    author_name=author.get_full_name() or author.email,
                    recurrence=rule,
                    scheduled_at=scheduled_at,
                    status=Notice.Status.SENDING
                    if scheduled_at is None
                    else Notice.Status.SCHEDULED,
                    send_key=send_key,
                )
        except IntegrityError:
            # Two POSTs of one form at the same moment: the unique key lets one notice in;
            # the other waits on the index, fails here and is pointed at the first.
            earlier = Notice.objects.filter(send_key=send_key).first() if send_key else None
            if earlier is None:
                raise
            raise NoticeAlreadyCreated(earlier) from None
        notice.groups.set(audience.group_ids)
        notice.individuals.set(audience.individual_ids)
        _extras_set(notice, question, library_file_ids)
        if not audience_subscribers(audience=audience).exists():
            # Raising inside the block rolls the notice back: nothing half-written.
            raise ValidationError(_("選んだ宛先には、配信を受け取る登録者がいません。"))
        if scheduled_at is None:
            _fan_out(notice, audience)
        else:
            _due_register(notice)
        staff_action_record(
            action=StaffAction.Action.NOTICE_SEND
            if scheduled_at is None
            else StaffAction.Action.NOTICE_SCHEDULE,
            target=notice.subject,
            target_id=notice.pk,
        )
    return notice


def _extras_set(
    notice: Notice, question: QuestionSpec | None, library_file_ids: Sequence[int]
) -> None:
    files = LibraryFile.objects.filter(pk__in=library_file_ids)
    if len(files) != len(set(library_file_ids)):
        raise ValidationError(_("選んだ資料が見つかりません。削除された可能性があります。"))
    notice.library_files.set(files)
    question_set(notice=notice, spec=question)


def notice_update(
    *,
    notice: Notice,
    subject: str,
    body: str,
    audience: Audience,
    scheduled_at: datetime,
    question: QuestionSpec | None = None,
    library_file_ids: Sequence[int] = (),
) -> Notice:
    """Change a scheduled notice; only until it goes out."""
    if not audience.chosen:
        raise ValidationError(_("宛先を選んでください（全員、グループ、または個人）。"))
    if scheduled_at <= timezone.now():
        raise ValidationError(_("配信日時が過ぎています。これから先の日時を指定してください。"))
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.status != Notice.Status.SCHEDULED:
            raise ValidationError(_("このお知らせはすでに配信されたか、取り消されています。"))
        locked.subject, locked.body = subject.strip(), body
        locked.to_everyone, locked.scheduled_at = audience.everyone, scheduled_at
        locked.save()
        locked.groups.set(audience.group_ids)
        locked.individuals.set(audience.individual_ids)
        _extras_set(locked, question, library_file_ids)
        if not audience_subscribers(audience=audience).exists():
            raise ValidationError(_("選んだ宛先には、配信を受け取る登録者がいません。"))
        _due_register(locked)
        staff_action_record(
            action=StaffAction.Action.NOTICE_UPDATE, target=locked.subject, target_id=locked.pk
        )
    return locked


def notice_cancel(*, notice: Notice, stop_repeating: bool = False) -> Notice:
    """Cancel a scheduled notice. A repeating one goes on with its next occurrence unless
    `stop_repeating`."""
    with transaction.atomic():
        cancelled = Notice.objects.filter(pk=notice.pk, status=Notice.Status.SCHEDULED).update(
            status=Notice.Status.CANCELLED
        )
        if not cancelled:
            raise ValidationError(_("このお知らせはすでに配信されたか、取り消されています。"))
        DueNotice.objects.filter(schema_name=connection.schema_name, notice_id=notice.pk).delete()
        notice.refresh_from_db()
        if notice.recurrence is not None:
            if stop_repeating:
                Recurrence.objects.filter(pk=notice.recurrence_id).update(active=False)
            else:
                _occurrence_schedule(notice)
        staff_action_record(
            action=StaffAction.Action.NOTICE_CANCEL, target=notice.subject, target_id=notice.pk
        )
    return notice


def notice_dispatch(*, notice_id: int) -> int:
    """Send a scheduled notice that has fallen due; returns its number of recipients.

    Safe to run twice and early: the conditional update lets one run through, and only once
    the notice is due.
    """
    with transaction.atomic():
        started = Notice.objects.filter(
            pk=notice_id, status=Notice.Status.SCHEDULED, scheduled_at__lte=timezone.now()
        ).update(status=Notice.Status.SENDING)
        if not started:
            return 0
        notice = Notice.objects.select_related("recurrence").get(pk=notice_id)
        DueNotice.objects.filter(schema_name=connection.schema_name, notice_id=notice_id).delete()
        count = _fan_out(notice, notice_audience(notice))
        if notice.recurrence is not None and notice.recurrence.active:
            _occurrence_schedule(notice)
    return count


def _fan_out(notice: Notice, audience: Audience) -> int:
    recipients = list(audience_subscribers(audience=audience).only("pk", "domain_class"))
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            kind=Delivery.Kind.NOTICE,
            notice=notice,
            subscriber=subscriber,
            **delivery_fields(subscriber=subscriber),
        )
        for subscriber in recipients
    )
    notice.recipient_count = len(deliveries)
    if not deliveries:  # everyone left the group before the scheduled time
        notice.status = Notice.Status.SENT
        notice.sent_at = timezone.now()
    notice.save(update_fields=["recipient_count", "status", "sent_at"])
    deliveries_enqueue(deliveries)
    return len(deliveries)


def _due_register(notice: Notice) -> None:
    """Index the notice for the per-minute sweep, and queue a delayed job to be on time."""
    assert notice.scheduled_at is not None
    DueNotice.objects.update_or_create(
        schema_name=connection.schema_name,
        notice_id=notice.pk,
        defaults={"due_at": notice.scheduled_at},
    )
    delay = notice.scheduled_at - timezone.now()
    if delay < _DELAY_LIMIT:
        milliseconds = max(0, int(delay.total_seconds() * 1000))
        transaction.on_commit(
            lambda: tasks.notice_dispatch.send_with_options(args=(notice.pk,), delay=milliseconds)
        )


def _occurrence_schedule(previous: Notice) -> Notice:
    """The next occurrence of a repeating notice, as a scheduled copy of the previous one."""
    assert previous.recurrence is not None
    after = max(previous.scheduled_at or timezone.now(), timezone.now())
    following = Notice.objects.create(
        subject=previous.subject,
        body=previous.body,
        to_everyone=previous.to_everyone,
        author_id=previous.author_id,
        author_name=previous.author_name,
        recurrence=previous.recurrence,
        scheduled_at=_occurrence_next(previous.recurrence, after),
        status=Notice.Status.SCHEDULED,
    )
    following.groups.set(previous.groups.all())
    following.individuals.set(previous.individuals.all())
    following.library_files.set(previous.library_files.all())
    asked = Question.objects.filter(notice=previous).first()
    if asked is not None:
        Question.objects.create(
            notice=following, kind=asked.kind, prompt=asked.prompt, choices=asked.choices
        )
    _due_register(following)
    return following

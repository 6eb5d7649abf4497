"""Answers to a notice's question: by one-click link, by plain reply, on paper; reminders.

One answer per person and question, and the latest wins: every way in goes through
`answer_record`, a single INSERT … ON CONFLICT that replaces the stored answer only with a
later one. Two answers arriving together (a click and a reply, a double click) cannot both
insert, and an answer routed late (a retried mail job) cannot overwrite a newer one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from delivery.inbound.answers import answer_choice_match
from delivery.links import LinkError, link_token_read
from delivery.models import Answer, Delivery, Notice, Question, Reminder, Reply, Subscriber
from delivery.questions import QuestionSpec
from delivery.services.outbound import deliveries_enqueue, delivery_fields
from tenants.models import User

# A second "remind" within this time is refused: a double click, or two staff members at
# once, must not send residents the same reminder twice.
REMINDER_GAP = timedelta(minutes=10)


def question_set(*, notice: Notice, spec: QuestionSpec | None) -> Question | None:
    """Give a notice its question (or none), replacing any it had; before it goes out."""
    Question.objects.filter(notice=notice).delete()
    if spec is None:
        return None
    return Question.objects.create(
        notice=notice, kind=spec.kind, prompt=spec.prompt, choices=list(spec.choices)
    )


def answer_record(
    *,
    question: Question,
    subscriber_id: int,
    choice: int,
    source: Answer.Source,
    answered_at: datetime | None = None,
    reply: Reply | None = None,
    entered_by: str = "",
) -> bool:
    """Store an answer unless a later one is already stored; True if it was stored."""
    if not 0 <= choice < len(question.choices):
        raise ValidationError(_("この質問にはない選択肢です。"))
    table = Answer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} "  # noqa: S608 (table name from the model)
            "(question_id, subscriber_id, choice, source, reply_id, entered_by, answered_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (question_id, subscriber_id) DO UPDATE SET "
            "choice = EXCLUDED.choice, source = EXCLUDED.source, reply_id = EXCLUDED.reply_id, "
            "entered_by = EXCLUDED.entered_by, answered_at = EXCLUDED.answered_at "
            f"WHERE {table}.answered_at <= EXCLUDED.answered_at RETURNING id",
            [
                question.pk,
                subscriber_id,
                choice,
                source,
                reply.pk if reply else None,
                entered_by[:254],
                answered_at or timezone.now(),
            ],
        )
        return cursor.fetchone() is not None


def answer_window_open(*, delivery: Delivery) -> bool:
    """Replies and answers to a mail are taken for REPLY_ACCEPT_DAYS after it was written."""
    return delivery.created_at >= timezone.now() - timedelta(days=settings.REPLY_ACCEPT_DAYS)


def reply_answer_record(*, reply: Reply, question: Question) -> int | None:
    """Read a plain reply's first meaningful line as a choice (`1`, `１`, `①`, `出席します`) and
    record it; returns the choice, or None when the reply gives no clear answer."""
    choice = answer_choice_match(text=reply.text, choices=list(question.choices))
    if choice is None:
        return None
    Reply.objects.filter(pk=reply.pk).update(choice=choice)
    answer_record(
        question=question,
        subscriber_id=reply.subscriber_id,
        choice=choice,
        source=Answer.Source.REPLY,
        answered_at=reply.received_at,
        reply=reply,
    )
    return choice


# --- One-click links ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerLink:
    notice: Notice
    question: Question
    subscriber: Subscriber
    choice: int

    @property
    def label(self) -> str:
        return self.question.choices[self.choice]


_NOT_FOUND = _("このリンクのお知らせまたは登録が見つかりません。")


def answer_link_read(*, token: str) -> AnswerLink:
    """What a one-click link answers; LinkError (4xx) when it cannot be used."""
    payload = link_token_read(purpose="answer", token=token)
    try:
        notice_id, choice = (int(part) for part in str(payload["n"]).split("."))
    except ValueError as error:
        raise LinkError(_("このリンクは正しくありません。"), 400) from error
    question = Question.objects.select_related("notice").filter(notice_id=notice_id).first()
    subscriber = Subscriber.objects.filter(pk=payload["i"]).first()
    if question is None or subscriber is None or not 0 <= choice < len(question.choices):
        raise LinkError(_NOT_FOUND, 404)
    delivery = (
        Delivery.objects.filter(
            notice_id=notice_id, subscriber=subscriber, kind=Delivery.Kind.NOTICE
        )
        .only("created_at")
        .first()
    )
    if delivery is None:
        raise LinkError(_NOT_FOUND, 404)
    if not answer_window_open(delivery=delivery):
        raise LinkError(_("このお知らせへの回答の受け付けは終わりました。"), 410)
    return AnswerLink(
        notice=question.notice, question=question, subscriber=subscriber, choice=choice
    )


def answer_by_link(*, token: str) -> AnswerLink:
    """Record a one-click answer (the POST after the confirm page); safe to repeat."""
    link = answer_link_read(token=token)
    answer_record(
        question=link.question,
        subscriber_id=link.subscriber.pk,
        choice=link.choice,
        source=Answer.Source.LINK,
    )
    return link


# --- Paper answers -----------------------------------------------------------------------------


def paper_answers_set(
    *, question: Question, answers: dict[int, int | None], households: list[int], author: User
) -> int:
    """Staff type in the answers of paper households (回答票); None clears one. Only the
    households given as `households` (the notice's paper ones) may be answered for; all or
    nothing. Returns how many answers changed."""
    unknown = set(answers) - set(households)
    if unknown:
        raise ValidationError(_("この回覧の世帯ではない世帯が含まれています。"))
    paper = set(
        Subscriber.objects.filter(pk__in=answers, kind=Subscriber.Kind.PAPER).values_list(
            "pk", flat=True
        )
    )
    if paper != set(answers):
        raise ValidationError(_("紙で受け取る世帯だけ入力できます。"))
    current = dict(
        Answer.objects.filter(question=question, subscriber_id__in=answers).values_list(
            "subscriber_id", "choice"
        )
    )
    changed = 0
    name = author.get_full_name() or author.email
    with transaction.atomic():
        for household, choice in answers.items():
            if current.get(household) == choice:
                continue
            if choice is None:
                Answer.objects.filter(question=question, subscriber_id=household).delete()
            else:
                answer_record(
                    question=question,
                    subscriber_id=household,
                    choice=choice,
                    source=Answer.Source.PAPER,
                    entered_by=name,
                )
            changed += 1
    return changed


# --- Reminders ---------------------------------------------------------------------------------


def reminder_recipients(*, notice: Notice) -> list[Subscriber]:
    """Who a reminder would reach now: residents the notice reached by mail, still registered,
    who have not answered."""
    return list(
        Subscriber.objects.filter(
            kind=Subscriber.Kind.EMAIL,
            status=Subscriber.Status.ACTIVE,
            deliveries__notice=notice,
            deliveries__kind=Delivery.Kind.NOTICE,
            deliveries__status=Delivery.Status.SENT,
        )
        .exclude(answers__question__notice=notice)
        .only("pk", "domain_class")
        .distinct()
    )


def reminder_send(*, notice: Notice, author: User) -> Reminder:
    """Mail "please answer" to those who have not answered, through the ordinary delivery
    rows (written, queued on commit, claimed), so at-least-once never means twice."""
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if not Question.objects.filter(notice=locked).exists():
            raise ValidationError(_("このお知らせには質問がありません。"))
        if locked.status != Notice.Status.SENT:
            raise ValidationError(_("お知らせの配信が終わってから送れます。"))
        last = locked.reminders.first()
        if last is not None and last.created_at > timezone.now() - REMINDER_GAP:
            raise ValidationError(
                _("少し前に送ったばかりです。しばらく待ってから、もう一度お試しください。")
            )
        recipients = reminder_recipients(notice=locked)
        if not recipients:
            raise ValidationError(_("メールで受け取った方は、全員が回答済みです。"))
        reminder = Reminder.objects.create(
            notice=locked,
            author_id=author.pk,
            author_name=author.get_full_name() or author.email,
            recipient_count=len(recipients),
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                kind=Delivery.Kind.REMINDER,
                notice=locked,
                reminder=reminder,
                subscriber=subscriber,
                **delivery_fields(subscriber=subscriber),
            )
            for subscriber in recipients
        )
        deliveries_enqueue(deliveries)
    return reminder

"""Reads of one association's delivery data. Nothing here returns an address."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from delivery.audience import Audience
from delivery.links import LinkError, link_token_read
from delivery.models import (
    Answer,
    Delivery,
    Group,
    LibraryFile,
    Notice,
    Question,
    Reply,
    Subscriber,
)
from delivery.questions import TallyRow, tally_rows


def audience_subscribers(*, audience: Audience) -> QuerySet[Subscriber]:
    """Active email subscribers a notice for this audience reaches, each once."""
    active = Subscriber.objects.filter(status=Subscriber.Status.ACTIVE, kind=Subscriber.Kind.EMAIL)
    if audience.everyone:
        return active
    in_groups = Subscriber.groups.through.objects.filter(
        subscriber=OuterRef("pk"), group_id__in=audience.group_ids
    )
    return active.filter(Exists(in_groups) | Q(pk__in=audience.individual_ids))


def notice_audience(notice: Notice) -> Audience:
    return Audience(
        everyone=notice.to_everyone,
        group_ids=tuple(notice.groups.values_list("pk", flat=True)),
        individual_ids=tuple(notice.individuals.values_list("pk", flat=True)),
    )


def group_list() -> QuerySet[Group]:
    """Groups with their number of active subscribers, as `active_count`."""
    return Group.objects.annotate(
        active_count=Count("subscribers", filter=Q(subscribers__status=Subscriber.Status.ACTIVE))
    ).order_by("position", "name")  # Meta.ordering does not apply to GROUP BY queries


def subscriber_list() -> QuerySet[Subscriber]:
    return Subscriber.objects.prefetch_related("groups").only(
        "id", "kind", "display_name", "status", "created_at", "confirmed_at"
    )


def subscriber_counts() -> dict[str, int]:
    rows = Subscriber.objects.values_list("status").annotate(n=Count("id"))
    return {status: n for status, n in rows}


def notice_list() -> QuerySet[Notice]:
    return Notice.objects.prefetch_related("groups")


def notice_delivery_counts(notice: Notice) -> dict[str, int]:
    rows = (
        notice.deliveries.filter(kind=Delivery.Kind.NOTICE)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts = {status: 0 for status in Delivery.Status.values}
    counts.update({status: n for status, n in rows})
    return counts


def notice_recipients(notice: Notice) -> QuerySet[Delivery]:
    """Per-recipient delivery status of a notice, by display name."""
    return (
        notice.deliveries.filter(kind=Delivery.Kind.NOTICE)
        .select_related("subscriber")
        .only("status", "sent_at", "subscriber__display_name")
        .order_by("subscriber__display_name")
    )


def paper_count(notice: Notice) -> int:
    from delivery.paper import paper_rounds

    return sum(len(r.households) for r in paper_rounds(notice))


# --- Replies, answers, tallies -----------------------------------------------------------------


def notice_replies(notice: Notice) -> QuerySet[Reply]:
    """A notice's thread for staff: who (display name), when, what. The raw message, which
    carries the sender's address, is never loaded."""
    return (
        notice.replies.select_related("subscriber")
        .only(
            "received_at",
            "text",
            "subject",
            "sender_matches",
            "choice",
            "notice_id",
            "subscriber__display_name",
        )
        .order_by("received_at", "id")
    )


def notice_question(notice: Notice) -> Question | None:
    return Question.objects.filter(notice=notice).first()


@dataclass(frozen=True)
class Respondent:
    """One person asked a question, by display name, and their answer if any."""

    subscriber_id: int
    display_name: str
    paper: bool
    choice: int | None = None
    source: str = ""
    answered_at: datetime | None = None
    # The answer came in a reply from another address than the one the notice went to.
    other_sender: bool = False


@dataclass(frozen=True)
class TallyGroup:
    row: TallyRow
    people: list[Respondent]


@dataclass(frozen=True)
class Tally:
    question: Question
    asked: int
    groups: list[TallyGroup]

    @property
    def unanswered(self) -> list[Respondent]:
        return next((g.people for g in self.groups if g.row.choice is None), [])


def question_respondents(*, notice: Notice, question: Question) -> list[Respondent]:
    """Everyone the question was put to: the residents the notice was mailed to, the paper
    households of its circulation, and anyone else who answered; sorted by display name."""
    from delivery.paper import paper_rounds

    people: dict[int, Respondent] = {}
    mailed = (
        notice.deliveries.filter(kind=Delivery.Kind.NOTICE)
        .exclude(status=Delivery.Status.CANCELLED)
        .values_list("subscriber_id", "subscriber__display_name")
    )
    for subscriber_id, name in mailed:
        people[subscriber_id] = Respondent(subscriber_id, name, paper=False)
    for circulation in paper_rounds(notice):
        for household in circulation.households:
            people[household.pk] = Respondent(household.pk, household.display_name, paper=True)
    answers = Answer.objects.filter(question=question).select_related("subscriber", "reply")
    for answer in answers.only(
        "choice",
        "source",
        "answered_at",
        "subscriber__display_name",
        "subscriber__kind",
        "reply__sender_matches",
    ):
        people[answer.subscriber_id] = Respondent(
            answer.subscriber_id,
            answer.subscriber.display_name,
            paper=answer.subscriber.kind == Subscriber.Kind.PAPER,
            choice=answer.choice,
            source=answer.source,
            answered_at=answer.answered_at,
            other_sender=answer.reply is not None and not answer.reply.sender_matches,
        )
    return sorted(people.values(), key=lambda person: (person.display_name, person.subscriber_id))


def question_tally(*, notice: Notice, question: Question) -> Tally:
    """Counts per choice and who gave each, in the order staff read them (安否確認: 要支援 and
    no answer first)."""
    people = question_respondents(notice=notice, question=question)
    counts: dict[int, int] = {}
    for person in people:
        if person.choice is not None:
            counts[person.choice] = counts.get(person.choice, 0) + 1
    rows = tally_rows(
        kind=question.kind,
        choices=list(question.choices),
        counts=counts,
        asked=len(people),
        unanswered_label=_("未回答"),
    )
    groups = [TallyGroup(row, [p for p in people if p.choice == row.choice]) for row in rows]
    return Tally(question=question, asked=len(people), groups=groups)


def reminders_answered(*, deliveries: list[Delivery]) -> set[int]:
    """Ids of the reminder deliveries among these whose resident has answered since the
    reminder was written: those are not sent."""
    reminders = [d for d in deliveries if d.kind == Delivery.Kind.REMINDER]
    if not reminders:
        return set()
    answered = set(
        Answer.objects.filter(
            question__notice_id__in={d.notice_id for d in reminders},
            subscriber_id__in={d.subscriber_id for d in reminders},
        ).values_list("question__notice_id", "subscriber_id")
    )
    return {d.pk for d in reminders if (d.notice_id, d.subscriber_id) in answered}


# --- Residents' archive and library ------------------------------------------------------------


def resident_by_link(*, token: str, purpose: str) -> Subscriber:
    """The registered resident a link (archive, library) was made for; LinkError otherwise."""
    payload = link_token_read(purpose=purpose, token=token)
    subscriber = Subscriber.objects.filter(pk=payload["i"]).first()
    if subscriber is None:
        raise LinkError(_("この登録は見つかりません。すでに削除されています。"), 404)
    if subscriber.status != Subscriber.Status.ACTIVE:
        raise LinkError(
            _("配信の登録が解除されているため、このリンクは使えません。もう一度ご登録ください。"),
            410,
        )
    return subscriber


def archive_notices(*, subscriber: Subscriber, query: str = "") -> QuerySet[Notice]:
    """The notices a resident was sent, newest first; `query` searches subject and text."""
    received = Delivery.objects.filter(
        notice=OuterRef("pk"),
        subscriber=subscriber,
        kind=Delivery.Kind.NOTICE,
        status=Delivery.Status.SENT,
    )
    notices = Notice.objects.filter(Exists(received)).only("subject", "sent_at", "created_at")
    for word in query.split()[:5]:
        notices = notices.filter(Q(subject__icontains=word) | Q(body__icontains=word))
    return notices.order_by("-sent_at", "-id")


def archive_notice_get(*, subscriber: Subscriber, notice_id: int) -> Notice | None:
    return archive_notices(subscriber=subscriber).filter(pk=notice_id).defer(None).first()


def library_file_list(*, category: str = "") -> QuerySet[LibraryFile]:
    files = LibraryFile.objects.all()
    if category:
        files = files.filter(category=category)
    return files.order_by("category", "-created_at", "-id")


def library_categories() -> list[str]:
    return list(
        LibraryFile.objects.exclude(category="")
        .order_by("category")
        .values_list("category", flat=True)
        .distinct()
    )

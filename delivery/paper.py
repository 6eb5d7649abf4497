"""Paper packs (回覧): for households without a phone, each notice yields a printable pack per
group — the notice, a 回覧 check list of the group's paper households and, when the notice
asks a question, a reply slip (回答票) with a box per household and choice."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from delivery.models import Group, Notice, Question, Subscriber
from delivery.selectors import notice_audience
from kairan.pdf import pdf_render


@dataclass(frozen=True)
class PaperRound:
    """One circulation: a group (or the households chosen one by one) and its households."""

    title: str
    households: list[Subscriber]


def _paper() -> QuerySet[Subscriber]:
    return Subscriber.objects.filter(
        kind=Subscriber.Kind.PAPER, status=Subscriber.Status.ACTIVE
    ).prefetch_related("groups")


def paper_rounds(notice: Notice) -> list[PaperRound]:
    """The circulations a notice needs, each household in exactly one of them."""
    audience = notice_audience(notice)
    households = list(_paper().order_by("display_name"))
    groups = (
        list(Group.objects.order_by("position", "name"))
        if audience.everyone
        else list(Group.objects.filter(pk__in=audience.group_ids).order_by("position", "name"))
    )
    rounds: list[PaperRound] = []
    placed: set[int] = set()
    for group in groups:
        members = [h for h in households if h.pk not in placed and group in h.groups.all()]
        placed.update(h.pk for h in members)
        if members:
            rounds.append(PaperRound(group.name, members))
    rest = [
        h
        for h in households
        if h.pk not in placed and (audience.everyone or h.pk in audience.individual_ids)
    ]
    if rest:
        rounds.append(PaperRound(_("個別・グループなし"), rest))
    return rounds


def paper_pack_pdf(*, notice: Notice, association_name: str) -> bytes:
    return pdf_render(
        template="delivery/pdf/paper_pack.html",
        context={
            "notice": notice,
            "rounds": paper_rounds(notice),
            "association_name": association_name,
            # The reply slip (回答票) that goes round with the notice; staff type it in later.
            "question": Question.objects.filter(notice=notice).first(),
        },
    )

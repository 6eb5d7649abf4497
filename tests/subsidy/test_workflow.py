"""The transition table: the only moves, by the only actors, from the only states."""

import itertools

import pytest

from subsidy.workflow import (
    TRANSITIONS,
    Action,
    Actor,
    Status,
    TransitionRefused,
    actions_available,
    transition_target,
)

ALLOWED = {
    (Status.DRAFT, Action.SUBMIT, Actor.OWNER): Status.SUBMITTED,
    (Status.SUBMITTED, Action.RETURN, Actor.CITY): Status.RETURNED,
    (Status.RESUBMITTED, Action.RETURN, Actor.CITY): Status.RETURNED,
    (Status.RETURNED, Action.RESUBMIT, Actor.OWNER): Status.RESUBMITTED,
    (Status.SUBMITTED, Action.GRANT, Actor.CITY): Status.GRANTED,
    (Status.RESUBMITTED, Action.GRANT, Actor.CITY): Status.GRANTED,
    (Status.GRANTED, Action.REPORT, Actor.OWNER): Status.REPORTED,
    (Status.REPORTED, Action.REPORT_RETURN, Actor.CITY): Status.GRANTED,
    (Status.REPORTED, Action.CONFIRM, Actor.CITY): Status.CONFIRMED,
    (Status.CONFIRMED, Action.CLAIM, Actor.OWNER): Status.CLAIMED,
    (Status.CLAIMED, Action.PAY, Actor.CITY): Status.PAID,
}


@pytest.mark.parametrize(
    ("status", "action", "actor"), list(itertools.product(Status, Action, Actor))
)
def test_every_move_is_allowed_exactly_when_the_table_says(status, action, actor) -> None:
    expected = ALLOWED.get((status, action, actor))
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            transition_target(status=status, action=action, actor=actor)
        assert refused.value.message  # a sentence for the person, never empty
    else:
        assert transition_target(status=status, action=action, actor=actor) == expected


def test_paid_is_the_end() -> None:
    assert actions_available(status=Status.PAID, actor=Actor.CITY) == []
    assert actions_available(status=Status.PAID, actor=Actor.OWNER) == []


def test_every_state_but_the_last_has_a_way_forward() -> None:
    reachable = {t.target for t in TRANSITIONS.values()} | {Status.DRAFT}
    assert reachable == set(Status)
    for status in set(Status) - {Status.PAID}:
        assert actions_available(status=status, actor=Actor.OWNER) or actions_available(
            status=status, actor=Actor.CITY
        ), status


def test_refusals_say_why_in_japanese() -> None:
    with pytest.raises(TransitionRefused) as refused:
        transition_target(status=Status.DRAFT, action=Action.GRANT, actor=Actor.CITY)
    assert "下書き" in refused.value.message and "交付決定" in refused.value.message
    with pytest.raises(TransitionRefused) as refused:
        transition_target(status=Status.SUBMITTED, action=Action.GRANT, actor=Actor.OWNER)
    assert "市の担当者だけ" in refused.value.message
    with pytest.raises(TransitionRefused) as refused:
        transition_target(status=Status.SUBMITTED, action=Action.REPORT, actor=Actor.OWNER)
    assert "交付決定を受けてから" in refused.value.message

"""Fixtures shared by the delivery tests."""

import pytest

from tests.factories import association_make, group_make, subscriber_make


@pytest.fixture
def town():
    """An association with 1班 and two residents in it (a module may define its own town)."""
    association = association_make(slug="town")
    han = group_make(association, "1班")
    subscriber_make(association, "佐藤", "sato@example.jp", [han])
    subscriber_make(association, "鈴木", "suzuki@example.jp", [han])
    return association

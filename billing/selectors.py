"""Reads of the billing app."""

from billing.models import Plan


def plan_default() -> Plan:
    """The plan new associations start on (and that estimates quote)."""
    return Plan.objects.get(is_default=True)

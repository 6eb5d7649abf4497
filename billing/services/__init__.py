"""Writes of the billing app, by topic. The metering hook is re-exported here because the
delivery code calls it as `billing.services.usage_record` (the contract in issue 6)."""

from billing.services.metering import usage_record, usage_record_many

__all__ = ["usage_record", "usage_record_many"]

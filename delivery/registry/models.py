from django.db import models


class Outbox(models.Model):
    """An association schema with deliveries not yet finished; the sweeper visits only these."""

    schema_name = models.CharField(max_length=63, unique=True)
    since = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.schema_name


class DueNotice(models.Model):
    """A scheduled notice (予約配信) and when it falls due."""

    schema_name = models.CharField(max_length=63)
    notice_id = models.BigIntegerField()
    due_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["schema_name", "notice_id"], name="one_due_per_notice")
        ]

    def __str__(self) -> str:
        return f"{self.schema_name}#{self.notice_id} @ {self.due_at}"


class Suppression(models.Model):
    """An address that bounced for good or complained: never mailed again, by any association.

    Kept by the keyed hash of the address (delivery.address_crypto), never the address.
    """

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "bounce"
        COMPLAINT = "complaint", "complaint"

    address_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    detail = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.reason} {self.address_hash[:8]}"


class InboundMessage(models.Model):
    """A message received for MAIL_DOMAIN, kept until a worker has routed it.

    The SMTP listener and the SES webhook only store and queue; the routing (join, confirm,
    reply, bounce) runs in a job, so a slow database never makes a sending server wait.
    """

    raw = models.BinaryField()
    recipients = models.JSONField()
    envelope_from = models.CharField(max_length=320, blank=True)
    # Where it came from (a peer address, "ses"): the key of per-source rate limits.
    source = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"inbound #{self.pk} ({len(self.recipients)} recipients)"

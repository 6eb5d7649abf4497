"""Background jobs of the delivery app. The job middleware sets the schema before each runs."""

import dramatiq
from dramatiq.middleware import CurrentMessage

from delivery.services import outbound


@dramatiq.actor(max_retries=8, min_backoff=5_000, max_backoff=600_000)
def deliveries_send(delivery_ids: list[int]) -> None:
    """Send these deliveries; safe to run twice (rows are claimed by a conditional update)."""
    message = CurrentMessage.get_current_message()
    outbound.deliveries_send(
        delivery_ids=delivery_ids, job_id=message.message_id if message else None
    )

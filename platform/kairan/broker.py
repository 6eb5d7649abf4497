"""The dramatiq broker, and the middleware that runs every job in its association's schema.

dramatiq has no notion of tenants. Every message carries the schema it was sent from (or the
one named when it was sent), and the worker switches to that schema before the actor runs.
A message naming a schema that does not exist is failed, never run in another schema.
"""

import logging

import dramatiq
from django.conf import settings
from django.db import close_old_connections
from dramatiq.broker import MessageProxy
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import Middleware, SkipMessage

from kairan.request_ids import JobRequestId
from tenants.connection import connection

logger = logging.getLogger(__name__)

SCHEMA_OPTION = "schema_name"


class TenantSchema(Middleware):
    """Carries the schema name in each message and activates it around the actor."""

    def before_enqueue(
        self, broker: dramatiq.Broker, message: dramatiq.Message, delay: int
    ) -> None:
        # setdefault: retries and delayed messages are enqueued again from the public schema,
        # and must keep the schema they were first sent with.
        message.options.setdefault(SCHEMA_OPTION, connection.schema_name)

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        from tenants.models import Association

        schema_name = message.options.get(SCHEMA_OPTION)
        connection.set_schema_to_public()
        association = (
            Association.objects.filter(schema_name=schema_name).first() if schema_name else None
        )
        if association is None:
            # An exception here would be logged and swallowed and the actor would run in the
            # public schema; failing and skipping is the only safe way out.
            logger.error("job %s refused: unknown schema %r", message.message_id, schema_name)
            message.fail()
            raise SkipMessage(f"unknown schema {schema_name!r}")
        connection.set_tenant(association)

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        connection.set_schema_to_public()

    def after_skip_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        connection.set_schema_to_public()


class DatabaseConnections(Middleware):
    """Django closes stale connections per request; worker threads have no requests."""

    def before_process_message(self, broker: dramatiq.Broker, message: MessageProxy) -> None:
        close_old_connections()

    def after_process_message(
        self,
        broker: dramatiq.Broker,
        message: MessageProxy,
        *,
        result: object = None,
        exception: BaseException | None = None,
    ) -> None:
        close_old_connections()

    def before_worker_thread_shutdown(self, broker: dramatiq.Broker, thread: object) -> None:
        connection.close()


def broker_configure() -> dramatiq.Broker:
    """Build the broker from settings and make it dramatiq's global one."""
    broker = RedisBroker(url=settings.REDIS_URL, namespace=settings.DRAMATIQ_NAMESPACE)
    # The database middleware comes first so the schema look-up has a live connection.
    broker.add_middleware(DatabaseConnections())
    # Before the schema middleware, whose refusal skips the middleware after it.
    broker.add_middleware(JobRequestId())
    broker.add_middleware(TenantSchema())
    dramatiq.set_broker(broker)
    return broker

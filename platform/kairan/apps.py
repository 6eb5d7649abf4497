from django.apps import AppConfig


class KairanConfig(AppConfig):
    name = "kairan"
    verbose_name = "Kairan"

    def ready(self) -> None:
        # Actors bind to the global broker when their module is imported, which happens after
        # every app is ready; setting it here comes first.
        from kairan.broker import broker_configure

        broker_configure()

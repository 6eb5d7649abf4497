from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "delivery.registry"
    label = "delivery_registry"
    verbose_name = "Delivery registers"

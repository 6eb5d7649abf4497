"""Associations (the tenants), their host names, staff accounts and who serves where."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        user = self.model(email=self.normalize_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A staff member of one or more associations, a city clerk or an operator.

    Residents are not users: they live in an association's schema as subscribers.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("メールアドレス"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]


class Association(TenantMixin):
    """A neighbourhood association (自治会・町内会), with a schema of its own."""

    name = models.CharField(_("団体名"), max_length=100)
    representative = models.CharField(_("代表者"), max_length=100, blank=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    # NULL for the public site's row and the template, which have no host of their own.
    slug = models.CharField(_("サブドメイン"), max_length=32, unique=True, null=True)  # noqa: DJ001
    # The schema new associations are cloned from; it has no host and is never served.
    is_template = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True

    class Meta:
        verbose_name = _("自治会")
        verbose_name_plural = _("自治会")

    def __str__(self) -> str:
        return self.name or self.schema_name


class Domain(DomainMixin):
    """A host name served by one association (or by the public site)."""


class Membership(models.Model):
    """A user serving an association as its owner or as an editor."""

    class Role(models.TextChoices):
        OWNER = "owner", _("管理者")
        EDITOR = "editor", _("編集者")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "association"], name="one_membership_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.association} ({self.role})"

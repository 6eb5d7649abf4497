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

    username = None  # type: ignore[assignment]  # no username: accounts sign in by email
    email = models.EmailField(_("メールアドレス"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()  # type: ignore[misc]  # our UserManager, typed by django-stubs as the base's


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


class StaffAction(models.Model):
    """One thing a staff member did to their association: the staff audit log.

    Who (the account, by id, and their role then), when, in which association, what (an action
    code and the name of what it was done to). Never an email address: names pass through the
    address scrubber on the way in, and the account is shown by name or number, not by login.
    PostgreSQL refuses UPDATE and DELETE of its rows (migration 0002).
    """

    class Action(models.TextChoices):
        NOTICE_SEND = "notice.send", _("お知らせを配信")
        NOTICE_SCHEDULE = "notice.schedule", _("お知らせを予約")
        NOTICE_UPDATE = "notice.update", _("予約中のお知らせを変更")
        NOTICE_CANCEL = "notice.cancel", _("予約を取り消し")
        GROUP_CREATE = "group.create", _("グループを作成")
        SUBSCRIBER_GROUPS = "subscriber.groups", _("登録者のグループを変更")
        PAPER_ADD = "paper.add", _("紙で受け取る世帯を登録")
        SUBSIDY_SUBMIT = "subsidy.submit", _("補助金の交付申請を提出")
        SUBSIDY_REPORT = "subsidy.report", _("補助金の実績報告を提出")
        SUBSIDY_CLAIM = "subsidy.claim", _("補助金を請求")
        BILLING_CARD = "billing.card", _("支払いカードの登録・変更を開始")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="staff_actions"
    )
    # PROTECT: rows cannot change (not even to NULL), so an account that acted is deactivated
    # rather than deleted, and what it did stays on record.
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=Membership.Role.choices)
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    target = models.CharField(max_length=200, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("担当者の操作記録")
        verbose_name_plural = _("担当者の操作記録")
        indexes = [models.Index(fields=["association", "-at"], name="staffaction_assoc_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target}"

    @property
    def actor_label(self) -> str:
        """The account as owners see it: the name it has, else its number; never its login."""
        return self.actor_name or f"#{self.user_id}"

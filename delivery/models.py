"""One association's residents, groups, notices and per-recipient deliveries (tenant schema).

No model here points at a public-schema table: an association's schema stands on its own, so
it can be dumped and restored alone and flushing public tables never cascades into it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Group(models.Model):
    """A group inside the association: 班, 隣組, 役員, 子ども会, PTA …"""

    name = models.CharField(_("グループ名"), max_length=50, unique=True)
    # Residents may put themselves in or out of this group; staff manage the others.
    self_selectable = models.BooleanField(_("登録者が自分で選べる"), default=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Subscriber(models.Model):
    """A resident who receives notices: by email, or on paper (回覧板) for a household without
    a phone. Staff see the display name, never the address."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("メール")
        PAPER = "paper", _("紙")

    class Status(models.TextChoices):
        PENDING = "pending", _("確認待ち")
        ACTIVE = "active", _("登録済み")
        UNSUBSCRIBED = "unsubscribed", _("解除済み")
        BOUNCED = "bounced", _("配信不能")

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.EMAIL)
    display_name = models.CharField(_("表示名"), max_length=50)
    # The address, encrypted with the key named by email_key_id (delivery.address_crypto).
    # Empty for paper households.
    email_ciphertext = models.TextField(blank=True)
    email_key_id = models.CharField(max_length=16, blank=True)
    # Keyed hash of the normalised address: finds a subscriber without decrypting any row.
    email_hash = models.CharField(max_length=64, unique=True, null=True)  # noqa: DJ001
    # The recipient domain's throttling class (docomo, au, …), never the address itself.
    domain_class = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    groups = models.ManyToManyField(Group, blank=True, related_name="subscribers")
    # Changes whenever a confirmation is requested and is cleared by confirming, which makes
    # every confirmation link single-use. Lower-case base32: it is also the token of the
    # confirmation's reply address.
    confirm_nonce = models.CharField(max_length=32, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["display_name", "id"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="paper") | Q(email_hash__isnull=False),
                name="email_subscriber_has_address",
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class Recurrence(models.Model):
    """A notice that repeats (毎月1日の9時, 毎週月曜の朝): each occurrence is an ordinary
    scheduled notice, created when the previous one goes out."""

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("毎月")
        WEEKLY = "weekly", _("毎週")

    frequency = models.CharField(max_length=8, choices=Frequency.choices)
    # 1–31; beyond the month's end means the last day.
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    # 0 = Monday … 6 = Sunday.
    weekday = models.PositiveSmallIntegerField(null=True, blank=True)
    time_of_day = models.TimeField()
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(frequency="monthly", day_of_month__gte=1, day_of_month__lte=31)
                | Q(frequency="weekly", weekday__gte=0, weekday__lte=6),
                name="recurrence_rule_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{self.frequency} {self.day_of_month or self.weekday} {self.time_of_day}"


class Notice(models.Model):
    """A circular (お知らせ) written by staff for everyone or for some groups."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("予約済み")
        SENDING = "sending", _("配信中")
        SENT = "sent", _("配信済み")
        CANCELLED = "cancelled", _("取り消し")

    subject = models.CharField(_("件名"), max_length=150)
    body = models.TextField(_("本文"))
    to_everyone = models.BooleanField(_("全員に送る"), default=False)
    groups = models.ManyToManyField(Group, blank=True, related_name="notices")
    # Chosen one by one by display name (個別配信), in addition to any groups.
    individuals = models.ManyToManyField(Subscriber, blank=True, related_name="addressed_notices")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENDING)
    # When it goes out (予約配信); null for "now".
    scheduled_at = models.DateTimeField(_("配信日時"), null=True, blank=True)
    recurrence = models.ForeignKey(
        Recurrence, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # The author lives in the public schema; a name and id (no foreign key) keep the schema
    # self-contained.
    author_id = models.BigIntegerField(null=True)
    author_name = models.CharField(max_length=254, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    # Files of the association's library that the notice points to (the mail links them).
    library_files = models.ManyToManyField("LibraryFile", blank=True, related_name="notices")
    # The one-time key of the review form that sent it: a second POST of the same form (a
    # second tap, a network retry) finds this notice instead of writing another one.
    send_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class Delivery(models.Model):
    """One mail to one subscriber: a notice, or a confirmation or welcome message.

    The row is written before anything is queued, and a worker claims it with a conditional
    update (queued → sending), so a message the broker delivers twice mails nobody twice.
    """

    class Kind(models.TextChoices):
        NOTICE = "notice", _("お知らせ")
        CONFIRM = "confirm", _("登録確認")
        WELCOME = "welcome", _("登録完了")
        # A follow-up of a notice's question to those who have not answered yet.
        REMINDER = "reminder", _("回答のお願い")

    class Status(models.TextChoices):
        QUEUED = "queued", _("送信待ち")
        CLAIMED = "claimed", _("送信中")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("送信失敗")
        BOUNCED = "bounced", _("不達")
        CANCELLED = "cancelled", _("取り消し")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # Set on reminder deliveries: the round of reminders this mail belongs to.
    reminder = models.ForeignKey(
        "Reminder", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    # When a worker claimed the row; after DELIVERY_LEASE_SECONDS the sweeper takes it back.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Last change of status: the sweeper finds queued rows whose job was lost.
    updated_at = models.DateTimeField(auto_now=True)
    # Fixed when the row is written, so a retried send carries the same Message-ID.
    message_id = models.CharField(max_length=200)
    # Names this delivery in its Reply-To and bounce (VERP) addresses (delivery.addresses).
    token = models.CharField(max_length=32, unique=True)
    domain_class = models.CharField(max_length=16, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A short reason from the mail server; never contains the address.
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "subscriber"],
                condition=Q(kind="notice"),
                name="one_delivery_per_notice_and_subscriber",
            ),
            models.UniqueConstraint(
                fields=["reminder", "subscriber"],
                condition=Q(kind="reminder"),
                name="one_delivery_per_reminder_and_subscriber",
            ),
        ]
        indexes = [
            models.Index(fields=["notice", "status"]),
            models.Index(fields=["status", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}: {self.status}"


class Reply(models.Model):
    """A resident's plain-mail reply to a notice (出欠, 受信確認, 安否確認).

    Attributed by the token of the Reply-To address it was sent to. A reply whose From
    differs from the address the notice went to (a family member's phone, a forwarded mail)
    is kept and flagged, not dropped: staff decide, since the token alone proves it answers
    that delivery.
    """

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="replies")
    notice = models.ForeignKey(
        Notice, null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="replies")
    subject = models.CharField(max_length=300, blank=True)
    # The new text of the reply, quoted text and signature removed.
    text = models.TextField(blank=True)
    sender_matches = models.BooleanField(default=True)
    # The choice of the notice's question this reply was read as (0-based), if any.
    choice = models.PositiveSmallIntegerField(null=True, blank=True)
    message_id = models.CharField(max_length=300, blank=True)
    # The message as received, for audit. Never shown to staff (it carries the address).
    raw = models.BinaryField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"reply #{self.pk} to delivery #{self.delivery_id}"


class Question(models.Model):
    """A question with choices that a notice asks (出欠, 安否確認, or the author's own).

    The choices are the words residents read in the mail and write back in replies, so they
    are stored as written, in Japanese, and never change once the notice has gone out.
    """

    class Kind(models.TextChoices):
        ATTENDANCE = "attendance", _("出欠")
        SAFETY = "safety", _("安否確認")
        CUSTOM = "custom", _("自由な選択肢")

    notice = models.OneToOneField(Notice, on_delete=models.CASCADE, related_name="question")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    prompt = models.CharField(_("質問"), max_length=200)
    # 2–6 short texts; an answer is an index into this list.
    choices = models.JSONField()

    def __str__(self) -> str:
        return self.prompt


class Answer(models.Model):
    """A resident's (or a paper household's) answer to a question; one per person, the
    latest one wins (delivery.services.answers)."""

    class Source(models.TextChoices):
        LINK = "link", _("メールのリンク")
        REPLY = "reply", _("メールの返信")
        PAPER = "paper", _("紙（担当者が入力）")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="answers")
    choice = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=8, choices=Source.choices)
    # The reply the answer was read from, when it came by mail.
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.SET_NULL, related_name="answers"
    )
    # Who typed a paper answer in (a staff member's name; the account lives in public).
    entered_by = models.CharField(max_length=254, blank=True)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "subscriber"], name="one_answer_per_question_and_subscriber"
            )
        ]

    def __str__(self) -> str:
        return f"answer {self.choice} to question #{self.question_id}"


class Reminder(models.Model):
    """A round of "please answer" mails to those who had not answered a notice's question."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reminders")
    author_id = models.BigIntegerField(null=True)
    author_name = models.CharField(max_length=254, blank=True)
    recipient_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"reminder #{self.pk} of notice #{self.notice_id}"


class LibraryFile(models.Model):
    """A PDF or JPEG in the association's file library (資料), readable by residents.

    The stored object's name is random and carries the schema; the resident-facing file name
    is kept apart, sanitised (delivery.uploads).
    """

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"

    class Pages(models.TextChoices):
        PENDING = "pending", _("ページ画像を作成中")
        READY = "ready", _("ページ画像あり")
        FAILED = "failed", _("ページ画像を作れませんでした")
        NONE = "none", _("画像ファイル")

    title = models.CharField(_("題名"), max_length=100)
    category = models.CharField(_("分類"), max_length=30, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(max_length=200)
    filename = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    pages_status = models.CharField(max_length=8, choices=Pages.choices)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    author_id = models.BigIntegerField(null=True)
    author_name = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class LibraryPage(models.Model):
    """One page of a library PDF as a JPEG image, wide enough for a phone's screen."""

    file = models.ForeignKey(LibraryFile, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField()
    image = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["file", "number"], name="one_image_per_page")
        ]

    def __str__(self) -> str:
        return f"page {self.number} of file #{self.file_id}"

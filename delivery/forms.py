import unicodedata
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from delivery.audience import Audience
from delivery.display_names import DISPLAY_NAME_MAX, display_name_problem
from delivery.models import Group, LibraryFile, Recurrence, Subscriber
from delivery.questions import (
    ATTENDANCE,
    CHOICES_MAX,
    CUSTOM,
    SAFETY,
    QuestionSpec,
    question_spec_make,
)
from delivery.selectors import group_list

# About ten pages of A4 in Japanese: far beyond any circular, well inside a mail and the
# request size limit (DATA_UPLOAD_MAX_MEMORY_SIZE). Longer material goes in the library.
NOTICE_BODY_MAX_LENGTH = 20_000


class GroupChoiceField(forms.ModelMultipleChoiceField):
    """Group checkboxes labelled with how many active subscribers each reaches."""

    def label_from_instance(self, obj: Group) -> str:
        count = obj.active_count
        return ngettext("%(name)s（%(count)d人）", "%(name)s（%(count)d人）", count) % {
            "name": obj.name,
            "count": count,
        }


class SubscriberChoiceField(forms.ModelMultipleChoiceField):
    """Residents by the display name they chose; never an address."""

    def label_from_instance(self, obj: Subscriber) -> str:
        if obj.kind == Subscriber.Kind.PAPER:
            return _("%(name)s（紙）") % {"name": obj.display_name}
        return obj.display_name


def _display_name_validate(name: str) -> None:
    problem = display_name_problem(name)
    if problem:
        raise forms.ValidationError(problem, code="address")


class TypedAddressField(forms.EmailField):
    """An address as typed on a phone: full-width letters, digits and ＠ (a Japanese IME's
    default) become ASCII (NFKC) before it is checked; spaces around it go."""

    def to_python(self, value: object) -> str:
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value)
        return super().to_python(value)


class JoinForm(forms.Form):
    address = TypedAddressField(
        label=_("メールアドレス"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email"}),
        error_messages={
            "required": _("メールアドレスを入力してください。"),
            "invalid": _("メールアドレスの形が正しくありません（例：taro@example.jp）。"),
        },
    )
    display_name = forms.CharField(
        label=_("表示名"),
        max_length=DISPLAY_NAME_MAX,
        validators=[_display_name_validate],
        help_text=_("自治会の担当者に見える名前です（例：佐藤Ａ子）。メールアドレスは見えません。"),
        error_messages={"required": _("表示名を入力してください。")},
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("受け取るグループ"),
        queryset=Group.objects.filter(self_selectable=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("グループ名"), max_length=50)
    self_selectable = forms.BooleanField(
        label=_("登録者が自分で選べる"), required=False, initial=True
    )


WEEKDAYS = [
    (0, _("月曜日")), (1, _("火曜日")), (2, _("水曜日")), (3, _("木曜日")),
    (4, _("金曜日")), (5, _("土曜日")), (6, _("日曜日")),
]  # fmt: skip


class NoticeForm(forms.Form):
    """Compose (and edit) a notice: audience, text, and when it goes out."""

    NOW, LATER, MONTHLY, WEEKLY = "now", "later", "monthly", "weekly"
    _question: QuestionSpec | None = None

    to_everyone = forms.BooleanField(label=_("全員に送る"), required=False)
    groups = GroupChoiceField(
        label=_("グループを選んで送る"),
        queryset=group_list(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    individuals = SubscriberChoiceField(
        label=_("個人を選んで送る（表示名）"),
        queryset=Subscriber.objects.filter(status=Subscriber.Status.ACTIVE).order_by(
            "display_name"
        ),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "name-list"}),
    )
    subject = forms.CharField(label=_("件名"), max_length=150)
    body = forms.CharField(
        label=_("本文"),
        max_length=NOTICE_BODY_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "本文は%(limit_value)d文字までです（いまは%(show_value)d文字）。"
                "長い資料はPDFにして資料室に入れ、お知らせにつけてください。"
            )
        },
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    timing = forms.ChoiceField(
        label=_("送るとき"),
        choices=[
            (NOW, _("今すぐ送る")),
            (LATER, _("日時を指定して送る（予約配信）")),
            (MONTHLY, _("毎月、決まった日に送る")),
            (WEEKLY, _("毎週、決まった曜日に送る")),
        ],
        initial=NOW,
        widget=forms.RadioSelect,
    )
    scheduled_at = forms.DateTimeField(
        label=_("配信日時"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    day_of_month = forms.IntegerField(
        label=_("毎月の日（1〜31。月末より後の日は月末）"),
        required=False,
        min_value=1,
        max_value=31,
    )
    weekday = forms.TypedChoiceField(
        label=_("曜日"), choices=WEEKDAYS, coerce=int, required=False, empty_value=None
    )
    time_of_day = forms.TimeField(
        label=_("時刻"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    question_kind = forms.ChoiceField(
        label=_("質問をつける（回答を集める）"),
        choices=[
            ("", _("質問はつけない")),
            (ATTENDANCE, _("出欠を聞く（出席／欠席）")),
            (SAFETY, _("安否確認（無事／要支援／不在）")),
            (CUSTOM, _("選択肢を自分で決める")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    question_prompt = forms.CharField(
        label=_("質問の文"),
        max_length=200,
        required=False,
        help_text=_("例：6月14日の総会に出席されますか。空欄なら決まった文が入ります。"),
    )
    question_choices = forms.CharField(
        label=_("選択肢（自分で決めるとき。1行に1つ、2〜6個）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": CHOICES_MAX}),
    )
    library_files = forms.ModelMultipleChoiceField(
        label=_("資料をつける（資料室のファイル）"),
        queryset=LibraryFile.objects.order_by("-created_at"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, editing: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            # A scheduled notice keeps being a one-off at a date and time.
            self.fields["timing"].choices = [(self.LATER, _("日時を指定して送る（予約配信）"))]
            self.fields["timing"].initial = self.LATER

    def clean(self) -> dict:
        data = super().clean() or {}
        if not (data.get("to_everyone") or data.get("groups") or data.get("individuals")):
            raise forms.ValidationError(_("宛先を選んでください（全員、グループ、または個人）。"))
        timing = data.get("timing")
        required = {
            self.LATER: ["scheduled_at"],
            self.MONTHLY: ["day_of_month", "time_of_day"],
            self.WEEKLY: ["weekday", "time_of_day"],
        }.get(timing, [])
        for name in required:
            if data.get(name) in (None, ""):
                self.add_error(name, _("入力してください。"))
        when = data.get("scheduled_at")
        if timing == self.LATER and isinstance(when, datetime) and when <= timezone.now():
            self.add_error(
                "scheduled_at", _("過ぎた日時です。これから先の日時を指定してください。")
            )
        self._question = None
        if data.get("question_kind"):
            try:
                self._question = question_spec_make(
                    kind=data["question_kind"],
                    prompt=data.get("question_prompt", ""),
                    choices=(data.get("question_choices") or "").splitlines(),
                )
            except forms.ValidationError as error:
                self.add_error("question_choices", error)
        return data

    @property
    def question(self) -> QuestionSpec | None:
        """The question chosen, checked (after is_valid)."""
        return self._question

    @property
    def library_file_ids(self) -> list[int]:
        return [f.pk for f in self.cleaned_data.get("library_files") or []]

    @property
    def audience(self) -> Audience:
        data = self.cleaned_data
        return Audience(
            everyone=bool(data["to_everyone"]),
            group_ids=tuple(g.pk for g in data["groups"]),
            individual_ids=tuple(s.pk for s in data["individuals"]),
        )

    @property
    def recurrence_frequency(self) -> Recurrence.Frequency | None:
        timing = self.cleaned_data["timing"]
        if timing == self.MONTHLY:
            return Recurrence.Frequency.MONTHLY
        if timing == self.WEEKLY:
            return Recurrence.Frequency.WEEKLY
        return None


class SubscriberGroupsForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label=_("グループ"),
        queryset=Group.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PaperHouseholdForm(forms.Form):
    display_name = forms.CharField(
        label=_("世帯の名前"),
        max_length=DISPLAY_NAME_MAX,
        validators=[_display_name_validate],
        help_text=_("例：田中家（回覧板のチェック表に載ります）"),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("グループ"),
        queryset=Group.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PreferencesForm(forms.Form):
    display_name = forms.CharField(
        label=_("表示名"),
        max_length=DISPLAY_NAME_MAX,
        validators=[_display_name_validate],
        help_text=_("自治会の担当者に見える名前です。メールアドレスは見えません。"),
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("受け取るグループ"),
        queryset=Group.objects.filter(self_selectable=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


# The residents' reading pages take their query string through forms: a CharField refuses
# what PostgreSQL cannot store or compare (a NUL character) instead of raising in the query.
class ArchiveSearchForm(forms.Form):
    q = forms.CharField(required=False)


class LibraryFilterForm(forms.Form):
    category = forms.CharField(required=False)


class LibraryUploadForm(forms.Form):
    title = forms.CharField(
        label=_("題名"),
        max_length=100,
        help_text=_("例：令和8年度 総会資料"),
        error_messages={"required": _("題名を入力してください。")},
    )
    category = forms.CharField(
        label=_("分類（なくても構いません）"),
        max_length=30,
        required=False,
        help_text=_("例：会報、議事録、防災、行事"),
        widget=forms.TextInput(attrs={"list": "library-categories"}),
    )
    file = forms.FileField(
        label=_("ファイル（PDFかJPEG）"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,application/pdf,image/jpeg"}
        ),
        error_messages={"required": _("ファイルを選んでください。")},
    )


class PaperAnswersForm(forms.Form):
    """One choice per paper household of a notice (回答票 → tally); blank means no answer."""

    def __init__(
        self, *args: object, households: list, choices: list[str], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        options = [("", _("未回答")), *((str(i), label) for i, label in enumerate(choices))]
        for household in households:
            self.fields[f"h{household.subscriber_id}"] = forms.TypedChoiceField(
                label=household.display_name,
                choices=options,
                coerce=int,
                empty_value=None,
                required=False,
                initial="" if household.choice is None else str(household.choice),
            )

    @property
    def answers(self) -> dict[int, int | None]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}

"""Forms of the volunteers pages; they validate input, services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import Area, Kind
from gongzhi.volunteers import rules_config
from gongzhi.volunteers.models import OwnerKind, TeamKind


def _communities(within: str = "") -> Any:
    qs = Area.objects.filter(kind__in=[Kind.COMMUNITY, Kind.COMPOUND]).order_by("code")
    return qs.filter(code__startswith=within) if within else qs


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.code}）"


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates render `{{ field }}` as is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            w = field.widget
            if isinstance(w, forms.CheckboxSelectMultiple):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.CheckboxInput):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


class RegisterForm(StyledForm):
    name = forms.CharField(label=_("姓名"), max_length=60)
    id_number = forms.CharField(label=_("居民身份证号码"), max_length=18)
    phone = forms.CharField(label=_("手机号码"), max_length=20)
    area = AreaChoiceField(label=_("居住社区"), queryset=_communities())
    skills = forms.CharField(label=_("特长技能（用逗号分隔）"), required=False, max_length=200)
    consent = forms.BooleanField(
        label=_("我已阅读并同意《志愿者个人信息处理告知书》"),
        help_text=_("我们仅为志愿服务记录与证明处理您的身份证号和手机号，加密保存，默认脱敏显示。"),
    )


class ActivityForm(StyledForm):
    team: forms.ModelChoiceField = forms.ModelChoiceField(label=_("组织队伍"), queryset=None)  # type: ignore[arg-type]
    title = forms.CharField(label=_("活动名称"), max_length=120)
    category = forms.ChoiceField(label=_("服务类别"), choices=())
    area = AreaChoiceField(label=_("活动地点（社区/小区）"), queryset=None)  # type: ignore[arg-type]
    address = forms.CharField(label=_("详细地点"), max_length=200, required=False)
    description = forms.CharField(
        label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    required_qualifications = forms.MultipleChoiceField(
        label=_("所需资质"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, teams: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["category"].choices = rules_config.category_choices()  # type: ignore[attr-defined]
        self.fields["required_qualifications"].choices = rules_config.qualification_choices()  # type: ignore[attr-defined]


class ShiftForm(StyledForm):
    starts_at = forms.DateTimeField(
        label=_("开始时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("结束时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    capacity = forms.IntegerField(label=_("招募人数"), min_value=1, max_value=10000)


class TeamForm(StyledForm):
    name = forms.CharField(label=_("队伍名称"), max_length=120)
    kind = forms.ChoiceField(label=_("队伍类型"), choices=TeamKind.choices)
    owner_kind = forms.ChoiceField(label=_("所属单位类型"), choices=OwnerKind.choices)
    owner_party_org_id = forms.IntegerField(label=_("所属党组织编号"), required=False)
    area = AreaChoiceField(label=_("所在社区/小区"), queryset=None)  # type: ignore[arg-type]
    established_on = forms.DateField(
        label=_("成立日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    person_in_charge = forms.CharField(label=_("负责人"), max_length=60, required=False)
    clerk = forms.CharField(label=_("经办人"), max_length=60, required=False)
    contact = forms.CharField(label=_("联系电话"), max_length=40, required=False)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class SelfReportForm(StyledForm):
    team: forms.ModelChoiceField = forms.ModelChoiceField(label=_("服务队伍"), queryset=None)  # type: ignore[arg-type]
    service_date = forms.DateField(
        label=_("服务日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    minutes = forms.IntegerField(
        label=_("服务时长（分钟）"), min_value=1, max_value=1440, help_text=_("不含往返路程时间")
    )
    travel_minutes = forms.IntegerField(
        label=_("往返路程（分钟，仅记录，不计入时长）"), min_value=0, required=False
    )
    content = forms.CharField(label=_("服务内容"), max_length=200)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class CertificateRequestForm(StyledForm):
    number = forms.CharField(label=_("志愿者编号"), max_length=20)
    team: forms.ModelChoiceField = forms.ModelChoiceField(label=_("出具队伍"), queryset=None)  # type: ignore[arg-type]
    period_from = forms.DateField(
        label=_("服务起始日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    period_to = forms.DateField(
        label=_("服务截止日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    clerk = forms.CharField(label=_("经办人"), max_length=60, required=False)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class _TeamForm(StyledForm):
    team: forms.ModelChoiceField = forms.ModelChoiceField(label=_("队伍"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class TrainingForm(_TeamForm):
    title = forms.CharField(label=_("培训名称"), max_length=120)
    provider = forms.CharField(label=_("培训单位（默认为本队伍）"), max_length=120, required=False)
    held_on = forms.DateField(label=_("培训日期"), widget=_date_input())
    hours = forms.DecimalField(
        label=_("培训学时"), min_value=0, max_value=1000, decimal_places=1, required=False
    )
    attended = forms.CharField(
        label=_("出勤志愿者编号（每行一个）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    absent = forms.CharField(
        label=_("缺勤志愿者编号（每行一个）"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class AttendanceForm(StyledForm):
    number = forms.CharField(label=_("志愿者编号"), max_length=20)
    attended = forms.BooleanField(label=_("出勤"), required=False, initial=True)


class AwardForm(_TeamForm):
    number = forms.CharField(label=_("志愿者编号"), max_length=20)
    title = forms.CharField(label=_("奖励名称"), max_length=120)
    level = forms.CharField(label=_("级别"), max_length=30, required=False)
    awarded_by = forms.CharField(label=_("授予单位"), max_length=120)
    awarded_on = forms.DateField(label=_("授予日期"), widget=_date_input())


class EvaluationForm(_TeamForm):
    number = forms.CharField(label=_("志愿者编号"), max_length=20)
    period = forms.CharField(label=_("评价期间（如 2024 或 2024-Q2）"), max_length=20)
    grade = forms.ChoiceField(label=_("等次"), choices=())
    comment = forms.CharField(
        label=_("评语"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from gongzhi.volunteers.models import Evaluation

        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = Evaluation.Grade.choices  # type: ignore[attr-defined]


class ComplaintForm(StyledForm):
    content = forms.CharField(
        label=_("投诉内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )
    complainant = forms.CharField(label=_("您的姓名"), max_length=60, required=False)
    complainant_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)


class ComplaintHandleForm(StyledForm):
    resolution = forms.CharField(
        label=_("处理结果 / 不予受理的理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MyDataForm(StyledForm):
    """Fields a volunteer corrects directly (PIPL art. 46); identity fields go by request."""

    phone = forms.CharField(label=_("手机号码"), max_length=20)
    skills = forms.CharField(label=_("特长技能（用逗号分隔）"), required=False, max_length=200)
    area = AreaChoiceField(label=_("居住社区"), queryset=_communities())


class CorrectionForm(StyledForm):
    field = forms.ChoiceField(label=_("更正项目"), choices=())
    new_value = forms.CharField(label=_("更正为"), max_length=60)
    reason = forms.CharField(label=_("更正理由"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from gongzhi.volunteers.models import CorrectionField

        super().__init__(*args, **kwargs)
        self.fields["field"].choices = CorrectionField.choices  # type: ignore[attr-defined]


class DeleteConfirmForm(StyledForm):
    confirm = forms.CharField(
        label=_("请输入您的志愿者编号以确认"),
        max_length=20,
        help_text=_("删除后无法恢复。"),
    )


def split_skills(text: str) -> list[str]:
    return [s.strip() for s in (text or "").replace("，", ",").split(",") if s.strip()]


def parse_numbers(text: str) -> list[str]:
    """Volunteer numbers typed one a line (or separated by commas/spaces), upper-cased."""
    import re

    return [n.upper() for n in re.split(r"[\s,，;；]+", text or "") if n]


def apply_errors(form: forms.Form, exc: Any) -> None:
    """Put a service's ValidationError on the named fields (or the form) of `form`."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)

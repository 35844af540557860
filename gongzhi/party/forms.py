"""Forms of the party pages; they validate input, services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import Area
from gongzhi.orgs.models import SocialOrg
from gongzhi.party.models import (
    BuiltBy,
    DuesCategory,
    Gender,
    LifeKind,
    MemberStatus,
    PartyMember,
    PartyOrg,
    PartyOrgKind,
    PostKind,
    RegionalKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartyOrgForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=PartyOrgKind.choices)
    built_by = forms.ChoiceField(label=_("组建方式"), choices=BuiltBy.choices)
    regional_kind = forms.ChoiceField(
        label=_("区域类型"), choices=[("", "—"), *RegionalKind.choices], required=False
    )
    area = forms.ModelChoiceField(label=_("所在区划"), queryset=Area.objects.none())
    served_area = forms.ModelChoiceField(
        label=_("服务区域"), queryset=Area.objects.none(), required=False
    )
    covered_orgs = forms.ModelMultipleChoiceField(
        label=_("覆盖的社会组织"), queryset=SocialOrg.objects.none(), required=False
    )
    parent = forms.ModelChoiceField(
        label=_("上级党组织"), queryset=PartyOrg.objects.none(), required=False
    )
    established_on = forms.DateField(label=_("成立日期"), widget=DATE)
    village_or_community = forms.BooleanField(label=_("村（社区）党组织"), required=False)
    party_groups = forms.IntegerField(label=_("党小组数"), min_value=0, initial=0)

    def __init__(
        self, *args: Any, areas: Any, social_orgs: Any, party_orgs: Any, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["served_area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["covered_orgs"].queryset = social_orgs  # type: ignore[attr-defined]
        self.fields["parent"].queryset = party_orgs  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    gender = forms.ChoiceField(
        label=_("性别"), choices=[("", "—"), *Gender.choices], required=False
    )
    ethnicity = forms.CharField(label=_("民族"), max_length=20, required=False)
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    status = forms.ChoiceField(label=_("党员状态"), choices=MemberStatus.choices)
    applied_on = forms.DateField(label=_("申请入党日期"), widget=DATE, required=False)
    activist_on = forms.DateField(label=_("确定积极分子日期"), widget=DATE, required=False)
    candidate_on = forms.DateField(label=_("确定发展对象日期"), widget=DATE, required=False)
    admitted_on = forms.DateField(label=_("入党日期（接收为预备党员）"), widget=DATE)
    became_formal_on = forms.DateField(label=_("转正日期"), widget=DATE, required=False)
    employer = forms.ModelChoiceField(
        label=_("工作单位（社会组织）"), queryset=SocialOrg.objects.none(), required=False
    )
    dues_category = forms.ChoiceField(label=_("党费缴纳类别"), choices=DuesCategory.choices)

    def __init__(self, *args: Any, social_orgs: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["employer"].queryset = social_orgs  # type: ignore[attr-defined]


class LifeRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=LifeKind.choices)
    held_on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    topic = forms.CharField(label=_("主题"), max_length=200)
    minutes = forms.CharField(
        label=_("记录"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    attendees = forms.ModelMultipleChoiceField(
        label=_("出席党员"),
        queryset=PartyMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attachment = forms.FileField(label=_("附件"), required=False)

    def __init__(self, *args: Any, members: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["attendees"].queryset = members  # type: ignore[attr-defined]


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=_("职务"), choices=PostKind.choices)
    member = forms.ModelChoiceField(
        label=_("党员"), queryset=PartyMember.objects.none(), required=False
    )
    person_name = forms.CharField(
        label=_("姓名（非本组织党员时填写）"), max_length=60, required=False
    )
    started_on = forms.DateField(label=_("任职日期"), widget=DATE)

    def __init__(self, *args: Any, members: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class TransferApplyForm(forms.Form):
    to_org = forms.ModelChoiceField(
        label=_("转入党组织（本平台）"), queryset=PartyOrg.objects.none(), required=False
    )
    to_org_name = forms.CharField(
        label=_("转入党组织名称（平台外）"), max_length=200, required=False
    )
    reason = forms.CharField(label=_("转接原因"), max_length=200, required=False)
    applied_on = forms.DateField(label=_("申请日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, party_orgs: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["to_org"].queryset = party_orgs  # type: ignore[attr-defined]


class TransferStepForm(forms.Form):
    on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    letter_number = forms.CharField(label=_("介绍信编号"), max_length=40, required=False)
    valid_days = forms.IntegerField(label=_("有效期（天）"), min_value=1, required=False)


class DuesCalculatorForm(forms.Form):
    base = forms.DecimalField(
        label=_("月税后收入（元）"), min_value=0, decimal_places=2, max_digits=12
    )
    category = forms.ChoiceField(label=_("缴纳类别"), choices=DuesCategory.choices)


class CoverageForm(forms.Form):
    as_of = forms.DateField(label=_("截至日期"), widget=DATE, required=False)


# --- coverage and instructors -----------------------------------------------------------------


class CoverageAddForm(forms.Form):
    org = forms.ModelChoiceField(label=_("社会组织"), queryset=SocialOrg.objects.none())
    started_on = forms.DateField(label=_("覆盖开始"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, social_orgs: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["org"].queryset = social_orgs  # type: ignore[attr-defined]


class EndForm(forms.Form):
    """A single end date; the label names what ends (覆盖结束, 结束日期 ...)."""

    ended_on = forms.DateField(label=_("结束日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, label: Any = None, **kw: Any) -> None:
        super().__init__(*args, **kw)
        if label:
            self.fields["ended_on"].label = label


class InstructorForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    area = forms.ModelChoiceField(label=_("选派单位区划"), queryset=Area.objects.none())
    work_unit = forms.CharField(label=_("工作单位及职务"), max_length=120, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)

    def __init__(self, *args: Any, areas: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class InstructorAssignForm(forms.Form):
    orgs = forms.ModelMultipleChoiceField(
        label=_("选派到的社会组织（未建党组织）"), queryset=SocialOrg.objects.none()
    )
    started_on = forms.DateField(label=_("选派日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, social_orgs: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["orgs"].queryset = social_orgs  # type: ignore[attr-defined]

"""Forms of the alliance and 双报到 pages; they validate input, services enforce the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import Area
from gongzhi.orgs.models import SocialOrg
from gongzhi.party.forms import DATE
from gongzhi.party.models import AllianceItem, AllianceMember, ItemKind, PartyMember, PartyOrg


class AllianceForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    area = forms.ModelChoiceField(label=_("所在区域"), queryset=Area.objects.none())
    established_on = forms.DateField(label=_("成立日期"), widget=DATE, initial=timezone.localdate)
    rotation_starts_on = forms.DateField(
        label=_("轮值起始日期"), widget=DATE, required=False, help_text=_("不填则自成立日期起")
    )
    rotation_months = forms.IntegerField(
        label=_("轮值周期（月）"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("不填则按本地规定的周期"),
    )
    party_orgs = forms.ModelMultipleChoiceField(
        label=_("成员党组织"), queryset=PartyOrg.objects.none(), required=False
    )
    social_orgs = forms.ModelMultipleChoiceField(
        label=_("成员社会组织（未建党组织）"), queryset=SocialOrg.objects.none(), required=False
    )

    def __init__(self, *args: Any, areas: Any, party_orgs: Any, social_orgs: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]
        self.fields["party_orgs"].queryset = party_orgs  # type: ignore[attr-defined]
        self.fields["social_orgs"].queryset = social_orgs  # type: ignore[attr-defined]


class AllianceMemberForm(forms.Form):
    party_org = forms.ModelChoiceField(
        label=_("党组织"), queryset=PartyOrg.objects.none(), required=False
    )
    social_org = forms.ModelChoiceField(
        label=_("社会组织"), queryset=SocialOrg.objects.none(), required=False
    )
    joined_on = forms.DateField(label=_("加入日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, party_orgs: Any, social_orgs: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["party_org"].queryset = party_orgs  # type: ignore[attr-defined]
        self.fields["social_org"].queryset = social_orgs  # type: ignore[attr-defined]


class RotationForm(forms.Form):
    """One position field per current member unit; the chair rotates in ascending order."""

    def __init__(self, *args: Any, members: list[AllianceMember], **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.members = members
        for n, m in enumerate(members, start=1):
            self.fields[f"position_{m.pk}"] = forms.IntegerField(
                label=_("%(unit)s 的轮值顺序") % {"unit": m.name},
                min_value=1,
                max_value=len(members),
                initial=n,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        keys = [f"position_{m.pk}" for m in self.members]
        values = [data.get(k) for k in keys]
        for key, value in zip(keys, values, strict=True):
            if value is not None and values.count(value) > 1:
                # Every unit sharing a position is marked, so the user sees both.
                self.add_error(
                    key, _("轮值顺序 %(n)d 重复，每个成员单位的顺序须不同") % {"n": value}
                )
        return data

    def order(self) -> list[AllianceMember]:
        return sorted(self.members, key=lambda m: self.cleaned_data[f"position_{m.pk}"])


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    topic = forms.CharField(label=_("议题"), max_length=200)
    decisions = forms.CharField(
        label=_("议定事项"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("清单"), choices=ItemKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    description = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    offered_by = forms.ModelChoiceField(
        label=_("提出单位"), queryset=AllianceMember.objects.none(), required=False
    )
    created_on = forms.DateField(label=_("提出日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, members: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["offered_by"].queryset = members  # type: ignore[attr-defined]


# --- 双报到 ---------------------------------------------------------------------------------


class ReportForm(forms.Form):
    community = forms.ModelChoiceField(label=_("报到社区"), queryset=Area.objects.none())
    party_org = forms.ModelChoiceField(
        label=_("报到的单位党组织"), queryset=PartyOrg.objects.none(), required=False
    )
    member = forms.ModelChoiceField(
        label=_("报到的在职党员"), queryset=PartyMember.objects.none(), required=False
    )
    reported_on = forms.DateField(label=_("报到日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, communities: Any, party_orgs: Any, members: Any, **kw: Any):
        super().__init__(*args, **kw)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]
        self.fields["party_org"].queryset = party_orgs  # type: ignore[attr-defined]
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class CommunityNeedForm(forms.Form):
    community = forms.ModelChoiceField(label=_("社区"), queryset=Area.objects.none())
    title = forms.CharField(label=_("需求名称"), max_length=200)
    description = forms.CharField(
        label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    created_on = forms.DateField(label=_("提出日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args: Any, communities: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["community"].queryset = communities  # type: ignore[attr-defined]


class ServiceForm(forms.Form):
    served_on = forms.DateField(label=_("服务日期"), widget=DATE, initial=timezone.localdate)
    hours = forms.DecimalField(
        label=_("服务时长（小时）"), min_value=0, max_digits=6, decimal_places=1
    )
    content = forms.CharField(label=_("服务内容"), max_length=200)
    item = forms.ModelChoiceField(
        label=_("认领的需求"), queryset=AllianceItem.objects.none(), required=False
    )

    def __init__(self, *args: Any, items: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


class RollupForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )

"""Forms of the registry pages. They only parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gongzhi.areas.models import Area, Kind
from gongzhi.areas.selectors import area_list
from gongzhi.orgs.models import (
    AnnualReport,
    CommunityCategory,
    ListingCause,
    ListKind,
    OrgKind,
    PenaltyKind,
    ReportResult,
    SocialOrg,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, and a way to put a service's errors on fields."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _style(self)

    def add_service_error(
        self, exc: ValidationError, aliases: dict[str, str] | None = None
    ) -> None:
        aliases = aliases or {}
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc)
            return
        for field, messages in exc.message_dict.items():
            name = aliases.get(field, field)
            target = name if name in self.fields else None
            for message in messages:
                self.add_error(target, message)


def _area_label(area: Area) -> str:
    return f"{area.code} {area.name}"


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return _area_label(obj)


ORG_DETAIL_FIELDS = {
    "domicile": forms.CharField(label=_("住所"), max_length=200, required=False),
    "industry": forms.CharField(label=_("行业领域"), max_length=60, required=False),
    "purpose": forms.CharField(
        label=_("宗旨"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    ),
    "business_scope": forms.CharField(
        label=_("业务范围"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    ),
    "supervising_unit": forms.CharField(label=_("业务主管单位"), max_length=120, required=False),
    "activity_region": forms.CharField(label=_("活动地域"), max_length=120, required=False),
    "founding_funds": forms.DecimalField(
        label=_("开办资金（万元）"), max_digits=14, decimal_places=2, required=False, min_value=0
    ),
    "unit_members": forms.IntegerField(label=_("单位会员数"), required=False, min_value=0),
    "individual_members": forms.IntegerField(label=_("个人会员数"), required=False, min_value=0),
    "council_size": forms.IntegerField(label=_("理事会人数"), required=False, min_value=0),
    "legal_rep_name": forms.CharField(label=_("法定代表人"), max_length=60, required=False),
}


# Blank text is stored as "" (the model's text fields are not nullable).
TEXT_FIELDS = {k for k, f in ORG_DETAIL_FIELDS.items() if isinstance(f, forms.CharField)}


def details(cleaned_data: dict[str, Any]) -> dict[str, Any]:
    """The registry particulars of a register or change form, as the services take them."""
    return {
        f: (cleaned_data.get(f) or "") if f in TEXT_FIELDS else cleaned_data.get(f)
        for f in ORG_DETAIL_FIELDS
    }


class RegisterForm(StyledForm):
    name = forms.CharField(label=_("名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    community_category = forms.ChoiceField(
        label=_("社区社会组织类别"),
        choices=[("", "—"), *CommunityCategory.choices],
        required=False,
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=22,
        required=False,
        help_text=_("社区社会组织备案可不填"),
    )
    authority = AreaChoiceField(label=_("登记管理机关（备案街道）"), queryset=Area.objects.none())
    area = AreaChoiceField(label=_("住所地"), queryset=Area.objects.none())
    registered_on = forms.DateField(label=_("登记（备案）日期"), widget=DATE)
    legal_rep_phone = forms.CharField(label=_("法定代表人电话"), max_length=20, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in ORG_DETAIL_FIELDS.items():
            self.fields[name] = field.__class__(**_field_kwargs(field))
        areas = area_list(user=user)
        authority: Any = self.fields["authority"]
        authority.queryset = areas.filter(
            kind__in=[Kind.CITY, Kind.COUNTY, Kind.ZONE, Kind.TOWNSHIP]
        ).order_by("code")
        domicile: Any = self.fields["area"]
        domicile.queryset = areas.filter(
            kind__in=[Kind.COUNTY, Kind.ZONE, Kind.TOWNSHIP, Kind.COMMUNITY]
        ).order_by("code")
        _style(self)

    def details(self) -> dict[str, Any]:
        return details(self.cleaned_data)


def _field_kwargs(field: forms.Field) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"label": field.label, "required": field.required}
    for attr in ("max_length", "max_digits", "decimal_places", "min_value"):
        if getattr(field, attr, None) is not None:
            kwargs[attr] = getattr(field, attr)
    if isinstance(field.widget, forms.Textarea):
        kwargs["widget"] = forms.Textarea(attrs={"rows": 2})
    return kwargs


def _style(form: StyledForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if "class" in widget.attrs:
            continue
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs["class"] = "form-check-input"
        elif isinstance(widget, forms.Select):
            widget.attrs["class"] = "form-select"
        else:
            widget.attrs["class"] = "form-control"


class ChangeForm(StyledForm):
    effective_on = forms.DateField(label=_("生效日期"), widget=DATE)
    reason = forms.CharField(label=_("变更事由"), max_length=200, required=False)
    approval_no = forms.CharField(label=_("核准文号"), max_length=60, required=False)
    name = forms.CharField(label=_("名称"), max_length=200)
    area = AreaChoiceField(label=_("住所地"), queryset=Area.objects.none())
    legal_rep_phone = forms.CharField(
        label=_("新的法定代表人电话"), max_length=20, required=False, help_text=_("不变更请留空")
    )

    def __init__(self, *args: Any, org: SocialOrg, user: Any, **kwargs: Any) -> None:
        initial = {f: getattr(org, f) for f in ("name", *ORG_DETAIL_FIELDS)}
        initial["area"] = org.area_id
        if org.kind == OrgKind.COMMUNITY:
            initial["community_category"] = org.community_category
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for name, field in ORG_DETAIL_FIELDS.items():
            self.fields[name] = field.__class__(**_field_kwargs(field))
        if org.kind == OrgKind.COMMUNITY:
            self.fields["community_category"] = forms.ChoiceField(
                label=_("社区社会组织类别"), choices=CommunityCategory.choices
            )
        domicile: Any = self.fields["area"]
        domicile.queryset = (
            area_list(user=user, within=org.authority.prefix)
            .filter(kind__in=[Kind.COUNTY, Kind.ZONE, Kind.TOWNSHIP, Kind.COMMUNITY])
            .order_by("code")
        )
        _style(self)

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        out = {"name": data.get("name"), **details(data)}
        if "community_category" in self.fields:
            out["community_category"] = data["community_category"]
        out["area_code"] = data["area"].code
        if data.get("legal_rep_phone"):
            out["legal_rep_phone"] = data["legal_rep_phone"]
        return out


class DeregisterForm(StyledForm):
    deregistered_on = forms.DateField(label=_("注销（撤销）日期"), widget=DATE)
    deregistration_reason = forms.CharField(label=_("注销（撤销）原因"), max_length=200)
    revoked = forms.BooleanField(label=_("撤销登记（行政处罚）"), required=False)


class ReportForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    submitted_on = forms.DateField(label=_("报送日期"), widget=DATE, required=False)
    result = forms.ChoiceField(
        label=_("检查结论"), choices=[("", _("待检查")), *ReportResult.choices], required=False
    )
    employees = forms.IntegerField(label=_("从业人员数"), min_value=0, initial=0)
    social_workers = forms.IntegerField(label=_("其中持证社工"), min_value=0, initial=0)
    other_professionals = forms.IntegerField(label=_("其中其他专业人才"), min_value=0, initial=0)
    volunteers = forms.IntegerField(label=_("志愿者人数"), min_value=0, initial=0)
    income = forms.DecimalField(
        label=_("年度收入（万元）"), max_digits=14, decimal_places=2, required=False
    )
    spending = forms.DecimalField(
        label=_("年度支出（万元）"), max_digits=14, decimal_places=2, required=False
    )
    has_party_org = forms.BooleanField(label=_("已建立党组织"), required=False)
    no_party_org_reason = forms.CharField(
        label=_("未建立党组织原因"), max_length=200, required=False
    )
    party_instructor = forms.CharField(label=_("党建指导员"), max_length=60, required=False)
    party_members = forms.IntegerField(label=_("党员人数"), min_value=0, initial=0)
    party_activists = forms.IntegerField(label=_("入党积极分子人数"), min_value=0, initial=0)
    has_union = forms.BooleanField(label=_("已建工会"), required=False)
    union_on = forms.DateField(label=_("工会建立日期"), widget=DATE, required=False)
    has_youth_league = forms.BooleanField(label=_("已建共青团组织"), required=False)
    youth_league_on = forms.DateField(label=_("共青团组织建立日期"), widget=DATE, required=False)
    has_women_federation = forms.BooleanField(label=_("已建妇联组织"), required=False)
    women_federation_on = forms.DateField(label=_("妇联组织建立日期"), widget=DATE, required=False)

    def __init__(self, *args: Any, may_conclude: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_conclude:
            del self.fields["result"]

    @staticmethod
    def initial_from(report: AnnualReport) -> dict[str, Any]:
        return {f: getattr(report, f) for f in ReportForm.base_fields}


class EvaluationForm(StyledForm):
    evaluated_on = forms.DateField(label=_("评估日期"), widget=DATE)
    score = forms.IntegerField(label=_("评估得分（满分1000）"), min_value=0, max_value=1000)
    authority = forms.CharField(label=_("评估机关"), max_length=120, required=False)
    certificate_no = forms.CharField(label=_("证书编号"), max_length=60, required=False)


class ListingForm(StyledForm):
    list_kind = forms.ChoiceField(label=_("名单"), choices=ListKind.choices)
    cause = forms.ChoiceField(label=_("列入事由"), choices=ListingCause.choices)
    listed_on = forms.DateField(label=_("列入日期"), widget=DATE)
    detail = forms.CharField(label=_("事由说明"), max_length=300, required=False)
    authority = forms.CharField(label=_("作出决定机关"), max_length=120, required=False)
    decision_no = forms.CharField(label=_("决定书文号"), max_length=60, required=False)


class DelistForm(StyledForm):
    removed_on = forms.DateField(label=_("移出日期"), widget=DATE)
    removal_reason = forms.CharField(label=_("移出原因"), max_length=200)
    rectified_on = forms.DateField(label=_("整改核实日期"), widget=DATE, required=False)
    rectification = forms.CharField(label=_("整改情况"), max_length=300, required=False)


class RejectForm(StyledForm):
    removal_reason = forms.CharField(label=_("不予列入的理由"), max_length=200)


class PenaltyForm(StyledForm):
    decided_on = forms.DateField(label=_("处罚日期"), widget=DATE)
    kind = forms.ChoiceField(label=_("处罚种类"), choices=PenaltyKind.choices)
    fine_yuan = forms.DecimalField(
        label=_("罚款金额（元）"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("仅罚款处罚填写；5万元以上将提请列入严重违法失信名单"),
    )
    authority = forms.CharField(label=_("处罚机关"), max_length=120, required=False)
    decision_no = forms.CharField(label=_("处罚决定书文号"), max_length=60, required=False)
    reason = forms.CharField(
        label=_("违法事实"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

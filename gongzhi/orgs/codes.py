"""Unified social credit codes (统一社会信用代码, GB 32100-2015) of social organisations.

`stdnum.cn.uscc` checks the length, the alphabet and position 18 (mod 31). A code can
pass that and still be wrong, so we also check the embedded organisation code
(positions 9–17, GB 11714, its own check character at position 17) and that
positions 1–2 fit a civil-affairs registration of the organisation's kind.
`check_credit_code` says which part is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength

from gongzhi.orgs.rules_config import rules

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 11714-1997: weights of the 8 body characters; letters count 10 (A) to 35 (Z).
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_char_value(c: str) -> int:
    return int(c) if c.isdigit() else ord(c) - ord("A") + 10


def org_code_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character organisation-code body (mod 11, X for 10)."""
    total = sum(_org_char_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


@dataclass(frozen=True)
class CodeProblem:
    part: str  # "length" "format" "check" "org_check" "department" "kind"
    message: str


def problems(code: str, kind: str | None = None) -> list[CodeProblem]:
    """Every problem with `code` for an organisation of `kind` (empty list: the code is good)."""
    number = uscc.compact(code or "")
    try:
        uscc.validate(number)
    except InvalidLength:
        return [
            CodeProblem("length", _("统一社会信用代码应为18位，现为%(n)d位") % {"n": len(number)})
        ]
    except InvalidFormat:
        return [
            CodeProblem(
                "format",
                _("统一社会信用代码第1–8位应为数字，其余只能是数字和除 I、O、Z、S、V 外的大写字母"),
            )
        ]
    except InvalidChecksum:
        return [
            CodeProblem(
                "check",
                _("第18位校验码错误：应为 %(c)s") % {"c": uscc.calc_check_digit(number[:17])},
            )
        ]
    found: list[CodeProblem] = []
    body, check = number[8:16], number[16]
    if not all(c.isdigit() or "A" <= c <= "Z" for c in body) or (
        check != org_code_check_char(body)
    ):
        found.append(
            CodeProblem(
                "org_check",
                _("第9–17位组织机构代码（GB 11714）的校验码错误：第17位应为 %(c)s")
                % {"c": org_code_check_char(body) if body.isalnum() else "?"},
            )
        )
    config = rules()
    if number[0] != config.credit_code_department:
        found.append(
            CodeProblem(
                "department",
                _("第1位应为 %(d)s（登记管理部门为民政），现为 %(c)s")
                % {"d": config.credit_code_department, "c": number[0]},
            )
        )
    if kind:
        allowed = config.credit_code_kind_digits.get(kind, ())
        if number[1] not in allowed:
            found.append(
                CodeProblem(
                    "kind",
                    _("第2位机构类别 %(c)s 与组织类型不符（应为 %(allowed)s）")
                    % {"c": number[1], "allowed": "/".join(allowed)},
                )
            )
    return found


def check_credit_code(code: str, kind: str | None = None, *, field: str = "credit_code") -> str:
    """The compact code, or a ValidationError on `field` naming each wrong part."""
    found = problems(code, kind)
    if found:
        raise ValidationError({field: [ValidationError(p.message, code=p.part) for p in found]})
    return uscc.compact(code)


KIND_DIGIT = {"social_group": "1", "service_org": "2", "foundation": "3", "community": "9"}


def make_credit_code(kind: str, division: str, serial: int) -> str:
    """A well-formed code for synthetic data: civil affairs, the kind's digit, the 6-digit
    division, an organisation code built from `serial` with its GB 11714 check, and the
    GB 32100 check character."""
    body = f"5{serial:07d}"[-8:]
    org = body + org_code_check_char(body)
    first17 = f"5{KIND_DIGIT[kind]}{division[:6]}{org}"
    return first17 + uscc.calc_check_digit(first17)

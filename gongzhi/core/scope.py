"""The scope rule (DESIGN.md): the single way to restrict a queryset to what a user may see.

A user acts within units: areas (matched by the prefix of the 12-digit statistical
division code, extended below community level) and organisations (matched by id,
per kind of organisation). Every selector that returns records calls `restrict`.
`core` knows no domain: users describe their scope through `get_scope()`, models
describe where their area code and organisation ids live through `ScopeSpec`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class UserScope:
    """What one user may see: everything, area prefixes, and/or organisations by kind."""

    everything: bool = False
    area_prefixes: tuple[str, ...] = ()
    orgs: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.everything and not self.area_prefixes and not any(self.orgs.values())

    def covers_area(self, code: str | None) -> bool:
        if self.everything:
            return True
        return bool(code) and any(code.startswith(p) for p in self.area_prefixes)  # type: ignore[union-attr]


NOTHING = UserScope()
EVERYTHING = UserScope(everything=True)


class SystemUser:
    """The platform acting for itself (the command line, background recomputations of
    derived tables): the whole platform in scope, every permission. Never a request's user."""

    is_authenticated = True
    is_superuser = True
    pk = None

    def __init__(self, scope: UserScope = EVERYTHING) -> None:
        self._gongzhi_scope = scope

    def get_scope(self) -> UserScope:
        return self._gongzhi_scope

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def get_username(self) -> str:
        return "system"


@dataclass(frozen=True)
class ScopeSpec:
    """Where a model keeps the keys the scope rule tests.

    area: lookup path to an indexed area-code column (e.g. "area_code").
    orgs: organisation kind ("orgs.socialorg", "party.partyorg") -> lookup path of its id.
    """

    area: str | None = None
    orgs: dict[str, str] = field(default_factory=dict)


class ScopedUser(Protocol):
    is_authenticated: bool

    def get_scope(self) -> UserScope: ...


def scope_of(user: Any) -> UserScope:
    """The user's scope, cached on the user object for the request."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    cached = getattr(user, "_gongzhi_scope", None)
    if cached is None:
        cached = user.get_scope()
        user._gongzhi_scope = cached
    return cached


def _spec(model: type[Model]) -> ScopeSpec:
    spec = getattr(model, "scope", None)
    if not isinstance(spec, ScopeSpec):
        raise TypeError(
            f"{model.__name__} declares no ScopeSpec; it cannot be read through a selector"
        )
    return spec


def scope_q(model: type[Model], scope: UserScope) -> Q | None:
    """The filter for `scope` on `model`; None means no restriction."""
    if scope.everything:
        return None
    spec = _spec(model)
    q = Q(pk__in=[])
    if spec.area:
        for prefix in scope.area_prefixes:
            q |= Q(**{f"{spec.area}__startswith": prefix})
    for kind, path in spec.orgs.items():
        ids = scope.orgs.get(kind)
        if ids:
            q |= Q(**{f"{path}__in": sorted(ids)})
    return q


def restrict(qs: QuerySet[M], user: Any) -> QuerySet[M]:
    """Restrict any queryset of a scoped model to what `user` may see."""
    q = scope_q(qs.model, scope_of(user))
    if q is None:
        return qs
    # An org path may fan out over a many-to-many; distinct keeps counts honest.
    spec = _spec(qs.model)
    filtered = qs.filter(q)
    if any("__" in p for p in spec.orgs.values()):
        filtered = filtered.distinct()
    return filtered


def get_or_404(qs: QuerySet[M], user: Any, **lookup: Any) -> M:
    """One record in scope, else 404 (not 403: out-of-scope records do not exist for the user)."""
    try:
        obj = restrict(qs, user).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
    # Found through the user's scope: `in_scope_of` answers for it without asking the
    # database again (a page's permission checks on the record it shows).
    obj._gz_scoped_for = getattr(user, "pk", None)  # type: ignore[attr-defined]
    return obj


def in_scope_of(obj: Any, user: Any) -> bool | None:
    """True when this instance of `obj` was read by `get_or_404` for `user` (instances live
    for one request); None when unknown (ask the database)."""
    pk = getattr(user, "pk", None)
    return True if pk is not None and getattr(obj, "_gz_scoped_for", None) == pk else None

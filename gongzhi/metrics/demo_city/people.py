"""Synthetic people: names from Faker zh_CN's lists, valid GB 11643 ID numbers, phones.

A million names cannot go through Faker (or pypinyin) one by one inside the load budget:
surnames and given-name characters come from Faker's own zh_CN lists, drawn by the
seeded `random.Random`, and search keys are cached per distinct name. ID numbers carry a
division code that existed in the birth year (DOMAIN.md § Identity-card numbers):
衡阳县's pre-1983 code 432321 for older people, current county codes after 1985.
"""

from __future__ import annotations

import datetime as dt
import random

from faker.providers.person.zh_CN import Provider as Person

SURNAMES = list(Person.last_names.keys())  # type: ignore[attr-defined]
SURNAME_WEIGHTS = list(Person.last_names.values())  # type: ignore[attr-defined]
GIVEN = list(dict.fromkeys("".join(Person.first_names)))  # single characters
OLD_CODES = ["432321", "432322", "432323"]  # 衡阳地区 counties, valid for births before 1983
NEW_CODES = ["430421", "430422", "430423", "430424", "430426"]
_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]


def id_number(birth: dt.date, serial: int, male: bool) -> str:
    """`serial` must be unique per (birth date, sex) for the number to be unique."""
    codes = OLD_CODES if birth.year < 1985 else NEW_CODES
    area = codes[serial % len(codes)]
    seq = (serial // len(codes) % 500) * 2 + (1 if male else 0)  # odd = male, even = female
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    c = (12 - sum(int(a) * w for a, w in zip(body, _WEIGHTS, strict=True)) % 11) % 11
    return body + ("X" if c == 10 else str(c))


class People:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._serials: dict[tuple[dt.date, bool], int] = {}
        self._cum = []
        acc = 0.0
        for w in SURNAME_WEIGHTS:
            acc += w
            self._cum.append(acc)

    def serial(self, birth: dt.date, male: bool) -> int:
        """The next free serial for people born that day (unique ID numbers, GB 11643)."""
        key = (birth, male)
        n = self._serials.get(key, 0)
        self._serials[key] = n + 1
        return n

    def name_parts(self) -> tuple[str, str]:
        rng = self.rng
        surname = rng.choices(SURNAMES, cum_weights=self._cum)[0]
        given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        return surname, given

    def name(self) -> str:
        return "".join(self.name_parts())

    def phone(self) -> str:
        return (
            self.rng.choice(["138", "139", "150", "151", "177", "180", "186", "199"])
            + f"{self.rng.randrange(10**8):08d}"
        )

    def birth(self, lo: int = 1950, hi: int = 2004) -> dt.date:
        return dt.date(self.rng.randint(lo, hi), self.rng.randint(1, 12), self.rng.randint(1, 28))

"""Believable people of 济南: Chinese names, valid ID numbers, phones, addresses, wages.

Pure Python and fast (200,000 people in about a second): the ID check character is the plain
MOD 11-2 weighted sum, and each ID is unique by construction (a counter per county and birth date).
"""
import random
from datetime import date
from functools import lru_cache

from rules.months import add_months, to_month
from rules.retirement import CATEGORIES, retirement_month

# 济南's county codes (370181 is the old 章丘市 code: old codes stay on real cards).
COUNTIES = [
    ("370102", "历下区"), ("370103", "市中区"), ("370104", "槐荫区"), ("370105", "天桥区"),
    ("370112", "历城区"), ("370113", "长清区"), ("370114", "章丘区"), ("370115", "济阳区"),
    ("370116", "莱芜区"), ("370117", "钢城区"), ("370124", "平阴县"), ("370126", "商河县"),
    ("370181", "章丘区"),
]
ROADS = (
    "经十路 泉城路 解放路 历山路 山大路 二环东路 工业南路 花园路 舜华路 齐鲁大道 经七路 纬二路 "
    "大明湖路 黑虎泉路 英雄山路 旅游路 世纪大道 凤鸣路 汇源大街 北园大街 清河北路 天桥东街"
).split()

# The most common surnames, most frequent first (王张李刘 lead in 山东).
SURNAMES = (
    "王张李刘陈杨赵孙徐马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严"
    "武戴孔"
)
SURNAME_WEIGHTS = [max(60 - i, 4) for i in range(len(SURNAMES))]
MALE_CHARS = (
    "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆志峰建国文博东亮林成永振海立新中晓庆"
    "子轩浩然宏兵龙佳春晨旭阳光远"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀玲桂英燕红梅琳雪婷慧颖倩洁璐晶丹萍莉荣凤彤欣怡佳悦思梦瑶雨菲琪蕾"
    "晓薇云月兰青"
)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def id_check_char(body17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) of 17 digits."""
    return _CHECK[_weighted(body17) % 11]


def _weighted(digits: str, offset: int = 0) -> int:
    return sum(int(c) * w for c, w in zip(digits, _WEIGHTS[offset:], strict=False))


@lru_cache(maxsize=65536)
def _prefix_sum(prefix14: str) -> int:
    """The weighted sum of county and birth date, shared by everyone born that day there."""
    return _weighted(prefix14)


@lru_cache(maxsize=4096)
def retirement_of(birth_month: int, category: str) -> int:
    """Statutory retirement month (YYYYMM) by rules.retirement, cached per birth month."""
    return to_month(retirement_month(date(birth_month // 100, birth_month % 100, 1), category))


class People:
    """Makes one person at a time; the same seed gives the same city."""

    def __init__(self, rng: random.Random, today: date):
        self.rng = rng
        self.today_month = to_month(today)
        self._seq: dict[tuple[str, str], int] = {}
        self._surname_cum = _cumulative(SURNAME_WEIGHTS)

    def name(self, gender: str) -> str:
        rng = self.rng
        surname = rng.choices(SURNAMES, cum_weights=self._surname_cum)[0]
        chars = MALE_CHARS if gender == "male" else FEMALE_CHARS
        given = rng.choice(chars) if rng.random() < 0.35 else rng.choice(chars) + rng.choice(chars)
        return surname + given

    def id_number(self, county: str, birth: date, gender: str) -> str:
        """Unique by construction: the n-th person of a county, birth date and gender gets seq n."""
        ymd = f"{birth.year:04d}{birth.month:02d}{birth.day:02d}"
        key = (county + ymd, gender)
        n = self._seq.get(key, 0)
        if n >= 490:  # 490 people born on one day in one county: move to the next county
            return self.id_number(_next_county(county), birth, gender)
        self._seq[key] = n + 1
        seq = 2 * n + 11 if gender == "male" else 2 * n + 12  # odd = male (GB 11643)
        prefix, tail = county + ymd, f"{seq:03d}"
        total = _prefix_sum(prefix) + _weighted(tail, 14)
        return prefix + tail + _CHECK[total % 11]

    def birth(self, first_year: int, last_year: int) -> date:
        start = date(first_year, 1, 1).toordinal()
        end = date(last_year, 12, 31).toordinal()
        return date.fromordinal(self.rng.randint(start, end))

    def category(self, gender: str) -> str:
        if gender == "male":
            return "male"
        # 女工人 (50) are common among younger staff, 女干部 (55) among older ones.
        return "female_50" if self.rng.random() < 0.45 else "female_55"

    def working_person(self, first_year: int = 1966, last_year: int = 2003) -> dict:
        """Someone below retirement age this month (redrawn until so)."""
        while True:
            gender = "male" if self.rng.random() < 0.55 else "female"
            birth = self.birth(first_year, last_year)
            category = self.category(gender)
            retire = retirement_of(to_month(birth), category)
            if retire > self.today_month:
                return self._person(gender, birth, category, retire)

    def retired_person(self) -> dict:
        """Someone whose statutory retirement month has passed."""
        while True:
            gender = "male" if self.rng.random() < 0.5 else "female"
            birth = self.birth(1960, 1975)
            category = self.category(gender)
            retire = retirement_of(to_month(birth), category)
            if retire <= self.today_month:
                return self._person(gender, birth, category, retire)

    def person_retiring_in(self, months_ahead: int, category: str = "male") -> dict:
        """Someone reaching statutory retirement age exactly months_ahead months from now."""
        target = add_months(self.today_month, months_ahead)
        birth_month = add_months(target, -CATEGORIES[category].original_age * 12)
        while retirement_of(birth_month, category) > target:
            birth_month = add_months(birth_month, -1)
        if retirement_of(birth_month, category) != target:  # no birth month lands there
            birth_month = add_months(birth_month, 1)
        birth = date(birth_month // 100, birth_month % 100, self.rng.randint(1, 28))
        gender = "male" if category == "male" else "female"
        return self._person(gender, birth, category, retirement_of(birth_month, category))

    def _person(self, gender: str, birth: date, category: str, retire: int) -> dict:
        rng = self.rng
        county, district = rng.choice(COUNTIES)
        rural = rng.random() < 0.18
        return {
            "id_number": self.id_number(county, birth, gender),
            "name": self.name(gender),
            "gender": gender,
            "birth_date": birth,
            "retirement_category": category,
            "phone": self.mobile(),
            "address": f"山东省济南市{district}{rng.choice(ROADS)}{rng.randint(1, 999)}号",
            "hukou": "农村" if rural else "城镇",
            "first_work_month": (birth.year + rng.randint(18, 24)) * 100 + rng.randint(1, 12),
            "_retire": retire,
        }

    def mobile(self) -> str:
        return f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"

    def monthly_wage(self, average_monthly: int) -> int:
        """A declared monthly wage in whole yuan, spread around the city's average."""
        wage = self.rng.lognormvariate(0, 0.45) * average_monthly * 0.88
        return int(min(max(wage, average_monthly * 0.35), average_monthly * 4.5))


def _cumulative(weights):
    total, out = 0, []
    for w in weights:
        total += w
        out.append(total)
    return out


def _next_county(county: str) -> str:
    codes = [c for c, _ in COUNTIES]
    return codes[(codes.index(county) + 1) % len(codes)]

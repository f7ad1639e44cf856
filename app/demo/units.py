"""The demo units: four fixed ones (DEMO.md) and generated ones that hold the remaining people."""
import random
from dataclasses import dataclass

from stdnum.cn import uscc

from app.demo.people import COUNTIES, ROADS, People

MARKER_UNIT = "37010000001"  # present means the demo is loaded
FIXED_UNIT_NOS = ("37010000001", "37010000002", "37010000003", "37010000004")
LARGE_UNIT_SHARE = 10  # percent of --persons held by 37010000004

POSTCODES = {
    "历下区": "250014", "市中区": "250001", "槐荫区": "250022", "天桥区": "250031",
    "历城区": "250100", "长清区": "250300", "章丘区": "250200", "济阳区": "251400",
    "莱芜区": "271100", "钢城区": "271104", "平阴县": "250400", "商河县": "251600",
}
PREFIXES = (
    "鸿泰 瑞祥 博远 恒信 中泰 金源 德润 佳和 海岳 明德 立新 宏图 凯瑞 锦程 泉润 华亿 鲁兴 "
    "舜和 明湖 历城 泺源 千佛 趵突 恒远 正德 嘉诚 万通 永盛 信达 丰源 天和 广润 华晟 东岳 "
    "齐泰 润华 金桥 百川 弘毅 同济 盛世 卓越 众诚 睿智 开元 宝隆 九州 聚源 新泉 汇智 中科 "
    "长盛 安泰 合力 启航 恒丰 凯旋 和瑞 泰和 嘉远 鼎盛 宏远 裕丰 致远 乐家 顺达 路通 森茂"
).split()
# (name suffix, industry code, weight)
TRADES = [
    ("商贸", "F51", 14), ("商业连锁", "F52", 6), ("餐饮管理", "H62", 7), ("置业", "K70", 3),
    ("物业管理", "K70", 6), ("人力资源服务", "L72", 5), ("企业管理咨询", "L72", 4),
    ("信息技术", "I65", 6), ("软件", "I65", 4), ("网络科技", "I65", 4), ("教育咨询", "P83", 3),
    ("食品", "C14", 4), ("电子科技", "C39", 4), ("医药", "C27", 3), ("机械", "C34", 5),
    ("汽车配件", "C36", 3), ("运输", "G54", 5), ("装饰工程", "E50", 5), ("建材", "C30", 3),
    ("路桥工程", "E48", 3), ("能源科技", "C25", 1), ("煤业", "B06", 1), ("金融服务", "J66", 1),
]


@dataclass
class UnitPlan:
    unit_no: str
    name: str
    industry: str
    staff: dict  # kind -> count: active, new, suspended, ended, retired, retiring
    vip: bool = False
    contact_phone: str | None = None
    account: bool = False  # gets a login and linked 险种
    withholding: bool = False

    @property
    def size(self) -> int:
        return sum(self.staff.values())


def mix(n: int) -> dict:
    """Staff of an ordinary unit: mostly in service, a few new, suspended, left and retired."""
    counts = {"new": round(n * 0.08), "suspended": round(n * 0.02), "ended": round(n * 0.04),
              "retired": round(n * 0.04)}
    counts["active"] = n - sum(counts.values())
    return counts


def plan_units(persons: int, rng: random.Random) -> list[UnitPlan]:
    fixed = [
        UnitPlan("37010000001", "济南示例科技有限公司", "I65",
                 {"active": 55, "retiring": 3, "new": 2, "retired": 6, "suspended": 4, "ended": 5},
                 contact_phone="13800000001", account=True),
        UnitPlan("37010000002", "济南示例物流有限公司", "G54",
                 {"active": 26, "new": 2, "retired": 2}, vip=True,
                 contact_phone="13800000002", account=True),
        UnitPlan("37010000003", "济南示例餐饮有限公司", "H62",
                 {"active": 17, "new": 2, "ended": 1}, contact_phone="13800000003"),
    ]
    large_size = persons * LARGE_UNIT_SHARE // 100
    # The large unit pays by bank 代扣 (withholding): it needs no bill (D3).
    fixed.append(UnitPlan("37010000004", "济南示例制造有限公司", "C34", mix(large_size),
                          contact_phone="13800000004", account=True, withholding=True))
    remaining = persons - sum(u.size for u in fixed)
    return fixed + list(_generated(remaining, rng))


def _generated(remaining: int, rng: random.Random):
    # A weighted random order of every (prefix, trade) pair: shops outnumber coal mines, and no
    # name repeats until all pairs are used (then a district is put in front).
    pairs = [(p, t) for p in PREFIXES for t in TRADES]
    keys = [rng.random() ** (1 / t[2]) for _, t in pairs]
    names = [pair for _, pair in sorted(zip(keys, pairs, strict=True), key=lambda kp: -kp[0])]
    k = 0
    while remaining > 0:
        size = rng.randint(20, 200)
        if remaining - size < 20:
            size = remaining
        prefix, (trade, industry, _) = names[k % len(names)]
        district = "" if k < len(names) else COUNTIES[k // len(names) % len(COUNTIES)][1]
        yield UnitPlan(
            f"3701{1000000 + k:07d}", f"济南{district}{prefix}{trade}有限公司", industry,
            mix(size), withholding=rng.random() < 0.25,
        )
        remaining -= size
        k += 1


def org_code(index: int) -> str:
    """A 9-character 组织机构代码 (GB 11714): 8 digits unique per index and its check character."""
    body = f"{(index * 7919 + 31415926) % 10**8:08d}"
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def credit_code(index: int, county: str) -> str:
    """统一社会信用代码 (GB 32100): 9 工商 1 企业, county, org code, MOD 31 check character."""
    body = f"91{county}{org_code(index)}"
    return body + uscc.calc_check_digit(body)


def unit_row(plan: UnitPlan, index: int, people: People, industry_id: int,
             bank_ids: list[int], created_at) -> dict:
    rng = people.rng
    county, district = COUNTIES[index % 12] if index > 4 else COUNTIES[index - 1]
    contact = people.name("male" if rng.random() < 0.4 else "female")
    return {
        "unit_no": plan.unit_no,
        "name": plan.name,
        "credit_code": credit_code(index, county),
        "unit_type": "股份有限公司" if plan.unit_no == "37010000004" else "有限责任公司",
        "industry_id": industry_id,
        "legal_person": people.name("male" if rng.random() < 0.7 else "female"),
        "address": f"山东省济南市{district}{rng.choice(ROADS)}{rng.randint(1, 3999)}号",
        "postcode": POSTCODES[district],
        "contact_name": contact,
        "contact_phone": plan.contact_phone or people.mobile(),
        "bank_branch_id": bank_ids[index % len(bank_ids)],
        "bank_account": f"{rng.randint(10**18, 10**19 - 1)}",
        "withholding": plan.withholding,
        "vip": plan.vip,
        "status": "normal",
        "region": district,
        "created_at": created_at,
    }

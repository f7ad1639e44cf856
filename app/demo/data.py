"""Static demo data: the code tables of a believable 济南 (G3), as plain rows.

Codes follow the national standards where there is one (GB 3304 民族, GB/T 4754 行业, 险种 codes);
hospital and bank branch codes are made up but have the real shape.
"""
from rules.rates import INSURANCE_TYPES

INSURANCES = [
    {"code": code, "name": name, "short_name": short, "sort": sort}
    for sort, (code, short) in enumerate(
        [("110", "养老"), ("210", "失业"), ("310", "医疗"), ("410", "工伤"), ("510", "生育")], 1
    )
    for name in [INSURANCE_TYPES[code]]
]

# 增减员原因; 辞职 is the one a person chooses (no unemployment benefit, RULES.md §6).
ADD_REASONS = [
    ("101", "新参加工作"), ("102", "调入"), ("103", "续保/恢复缴费"), ("104", "转入"),
    ("105", "复员退伍军人安置"),
]
REDUCE_REASONS = [
    ("201", "辞职", True), ("202", "解除劳动合同", False), ("203", "劳动合同期满终止", False),
    ("204", "退休", False), ("205", "死亡", False), ("206", "调出", False), ("207", "参军", False),
    ("208", "出国定居", False), ("209", "转出（跨统筹区转移）", False),
    ("210", "单位破产、关闭", False), ("211", "暂停缴费", False),
]
CHANGE_REASONS = [
    {"code": c, "name": n, "kind": "add", "voluntary": False} for c, n in ADD_REASONS
] + [{"code": c, "name": n, "kind": "reduce", "voluntary": v} for c, n, v in REDUCE_REASONS]

EMPLOYMENT_FORMS = [
    {"code": "01", "name": "合同制"}, {"code": "02", "name": "劳务派遣"},
    {"code": "03", "name": "非全日制"}, {"code": "04", "name": "临时用工"},
]
PERSON_CATEGORIES = [
    {"code": "01", "name": "城镇职工"}, {"code": "02", "name": "农民工"},
    {"code": "03", "name": "港澳台人员"}, {"code": "04", "name": "外籍人员"},
]

# GB 3304-1991, in code order 01 … 56.
NATION_NAMES = (
    "汉族 蒙古族 回族 藏族 维吾尔族 苗族 彝族 壮族 布依族 朝鲜族 满族 侗族 瑶族 白族 "
    "土家族 哈尼族 哈萨克族 傣族 黎族 傈僳族 佤族 畲族 高山族 拉祜族 水族 东乡族 纳西族 "
    "景颇族 柯尔克孜族 土族 达斡尔族 仫佬族 羌族 布朗族 撒拉族 毛南族 仡佬族 锡伯族 阿昌族 "
    "普米族 塔吉克族 怒族 乌孜别克族 俄罗斯族 鄂温克族 德昂族 保安族 裕固族 京族 塔塔尔族 "
    "独龙族 鄂伦春族 赫哲族 门巴族 珞巴族 基诺族"
).split()
NATIONS = [{"code": f"{i:02d}", "name": n} for i, n in enumerate(NATION_NAMES, 1)]

# GB/T 4754-2017 大类 with its 工伤风险类别 (人社部发〔2015〕71号).
INDUSTRIES = [
    {"code": "I65", "name": "软件和信息技术服务业", "risk_class": 1},
    {"code": "J66", "name": "货币金融服务", "risk_class": 1},
    {"code": "F51", "name": "批发业", "risk_class": 2},
    {"code": "F52", "name": "零售业", "risk_class": 2},
    {"code": "H62", "name": "餐饮业", "risk_class": 2},
    {"code": "K70", "name": "房地产业", "risk_class": 2},
    {"code": "L72", "name": "商务服务业", "risk_class": 2},
    {"code": "P83", "name": "教育", "risk_class": 2},
    {"code": "C14", "name": "食品制造业", "risk_class": 3},
    {"code": "C39", "name": "计算机、通信和其他电子设备制造业", "risk_class": 3},
    {"code": "C27", "name": "医药制造业", "risk_class": 4},
    {"code": "C34", "name": "通用设备制造业", "risk_class": 4},
    {"code": "C36", "name": "汽车制造业", "risk_class": 4},
    {"code": "G54", "name": "道路运输业", "risk_class": 5},
    {"code": "E50", "name": "建筑装饰、装修和其他建筑业", "risk_class": 5},
    {"code": "C30", "name": "非金属矿物制品业", "risk_class": 6},
    {"code": "E48", "name": "土木工程建筑业", "risk_class": 6},
    {"code": "C25", "name": "石油、煤炭及其他燃料加工业", "risk_class": 7},
    {"code": "B06", "name": "煤炭开采和洗选业", "risk_class": 8},
]

HOSPITALS = [
    ("37010001", "山东大学齐鲁医院", "三级甲等", "历下区"),
    ("37010002", "山东省立医院", "三级甲等", "槐荫区"),
    ("37010003", "山东省千佛山医院", "三级甲等", "历下区"),
    ("37010004", "济南市中心医院", "三级甲等", "历下区"),
    ("37010005", "山东大学第二医院", "三级甲等", "天桥区"),
    ("37010006", "山东中医药大学附属医院", "三级甲等", "历下区"),
    ("37010007", "济南市第四人民医院", "三级甲等", "市中区"),
    ("37010008", "济南市中医医院", "三级甲等", "市中区"),
    ("37010009", "济南市第五人民医院", "三级乙等", "槐荫区"),
    ("37010010", "济南市儿童医院", "三级甲等", "槐荫区"),
    ("37010011", "济南市章丘区人民医院", "三级乙等", "章丘区"),
    ("37010012", "济南市历城区人民医院", "二级甲等", "历城区"),
    ("37010013", "济南市长清区人民医院", "二级甲等", "长清区"),
    ("37010014", "济南市槐荫人民医院", "二级甲等", "槐荫区"),
]
# Remote hospitals (异地就医) use 99999 + the level digit (RULES.md §7).
REMOTE_HOSPITALS = [
    ("999991", "异地一级医疗机构", "一级"),
    ("999992", "异地二级医疗机构", "二级"),
    ("999993", "异地三级医疗机构", "三级"),
]
HOSPITAL_ROWS = [
    {"code": c, "name": n, "level": lv, "region": r, "remote": False} for c, n, lv, r in HOSPITALS
] + [{"code": c, "name": n, "level": lv, "region": "异地", "remote": True}
     for c, n, lv in REMOTE_HOSPITALS]

# 12-digit 行号: bank code, 4510 (济南), branch.
BANK_BRANCHES = [
    {"code": "102451000018", "name": "中国工商银行济南分行营业部", "bank_name": "中国工商银行"},
    {"code": "105451000027", "name": "中国建设银行济南泉城支行", "bank_name": "中国建设银行"},
    {"code": "103451000036", "name": "中国农业银行济南历下支行", "bank_name": "中国农业银行"},
    {"code": "104451000045", "name": "中国银行济南分行营业部", "bank_name": "中国银行"},
    {"code": "301451000054", "name": "交通银行济南分行营业部", "bank_name": "交通银行"},
    {"code": "313451000063", "name": "齐鲁银行总行营业部", "bank_name": "齐鲁银行"},
    {"code": "402451000072", "name": "济南农村商业银行泉城路支行", "bank_name": "济南农村商业银行"},
]

# 全口径城镇单位就业人员年平均工资 used for each parameter year (the previous year's statistic).
# 2019 is Shandong's published 65,383 (RULES.md §3); the others are believable demo values.
AVERAGE_WAGES = {
    2016: 55614, 2017: 59180, 2018: 62539, 2019: 65383, 2020: 70726, 2021: 74960,
    2022: 82117, 2023: 86978, 2024: 94236, 2025: 97812, 2026: 101490,
}
# 养老个人账户记账利率 (RULES.md §4), percent.
INTEREST_RATES = {
    2016: "8.31", 2017: "7.12", 2018: "8.29", 2019: "7.61", 2020: "6.04", 2021: "6.69",
    2022: "6.12", 2023: "3.97", 2024: "2.62",
}
FIRST_PARAMETER_YEAR = 2016

NOTICES = [
    (
        "关于开展{year}年度社会保险缴费基数申报工作的通知",
        "各参保单位：\n根据社会保险有关规定，{year}年度缴费基数申报工作现已开始。请各单位于规定时间内"
        "通过本系统“缴费基数申报”功能，按职工上年度月平均工资如实申报。申报工资低于缴费基数下限的按下限"
        "核定，高于上限的按上限核定。\n济南市社会保险事业中心",
    ),
    (
        "系统升级维护公告",
        "为提升服务质量，本系统将于本周六22:00至次日6:00进行升级维护，期间暂停网上申报和缴费业务，"
        "给您带来的不便敬请谅解。\n济南市社会保险事业中心",
    ),
]

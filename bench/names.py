"""Realistic Chinese names, companies and places, from our own lists (no network, no Faker)."""

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁"
    "谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平"
    "刚桂英华建国志红文辉晓婷宇浩然子涵欣怡嘉俊博雅思琪"
)
PROVINCES = {
    "上海": ["上海"],
    "江苏": ["南京", "苏州", "无锡", "常州"],
    "浙江": ["杭州", "宁波", "温州", "嘉兴"],
    "广东": ["广州", "深圳", "东莞", "佛山"],
    "山东": ["济南", "青岛", "烟台"],
    "北京": ["北京"],
    "四川": ["成都", "绵阳"],
    "湖北": ["武汉", "宜昌"],
    "福建": ["福州", "厦门", "泉州"],
    "河南": ["郑州", "洛阳"],
}
WORDS = "华兴宏盛瑞达恒通鑫源泰丰博远佳诚新宇金辉中科海天永安正信联创天成宝利东方万嘉汇德力"
TRADES = [
    "机械", "电子", "科技", "精密", "智能装备", "新材料", "汽车零部件", "电气",
    "化工", "医疗器械", "软件", "物流", "建设工程", "环保", "食品", "纺织",
]
SUFFIXES = ["有限公司", "股份有限公司", "集团有限公司", "有限责任公司"]
INDUSTRIES = [
    "制造业", "制造业", "制造业", "信息技术", "政府机构",
    "批发零售", "建筑业", "医疗卫生", "交通物流", "能源",
]


def person(rng: random.Random) -> str:
    given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return rng.choice(SURNAMES) + given


def place(rng: random.Random) -> tuple[str, str]:
    province = rng.choice(list(PROVINCES))
    return province, rng.choice(PROVINCES[province])


def company(rng: random.Random, city: str) -> str:
    core = rng.choice(WORDS) + rng.choice(WORDS)
    return f"{city}{core}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"


def mobile(rng: random.Random) -> str:
    prefix = rng.choice(("138", "139", "137", "186", "159", "150", "177"))
    return f"{prefix}{rng.randrange(10**8):08d}"

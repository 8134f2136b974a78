"""Demo organisation: one user per role, Chinese names, three team levels."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.auth import services
from crm.auth.models import Team, User
from crm.extensions import db

DEMO_PASSWORD = "Demo#2026crm"

TEAMS = (  # name, level, parent
    ("总部", "hq", None),
    ("华东大区", "region", "总部"),
    ("华南大区", "region", "总部"),
    ("华东销售一组", "team", "华东大区"),
    ("华南销售一组", "team", "华南大区"),
    ("客户服务中心", "team", "总部"),
    ("渠道管理部", "team", "总部"),
    ("市场部", "team", "总部"),
    ("产品部", "team", "总部"),
    ("财务部", "team", "总部"),
    ("法务部", "team", "总部"),
)

USERS = (  # username, name, team, roles
    ("admin", "系统管理员", "总部", ["admin"]),
    ("zhaomin", "赵敏", "总部", ["director"]),
    ("wangqiang", "王强", "华东大区", ["manager"]),
    ("lina", "李娜", "华南大区", ["manager"]),
    ("zhangwei", "张伟", "华东销售一组", ["sales"]),
    ("liuyang", "刘洋", "华东销售一组", ["sales"]),
    ("chenjing", "陈静", "华南销售一组", ["sales"]),
    ("yangfan", "杨帆", "华南销售一组", ["sales"]),
    ("tangning", "唐宁", "客户服务中心", ["manager"]),  # the service manager
    ("linjing", "林静", "客户服务中心", ["director"]),  # the service director
    ("zhoujie", "周杰", "客户服务中心", ["service"]),
    ("wumin", "吴敏", "客户服务中心", ["service"]),
    ("sunli", "孙丽", "渠道管理部", ["channel"]),
    ("machao", "马超", "市场部", ["marketing"]),
    ("gaoyan", "高燕", "市场部", ["manager"]),
    ("hefang", "何芳", "产品部", ["product"]),
    ("zhengshuang", "郑爽", "财务部", ["finance"]),
    ("fenglv", "冯律", "法务部", ["legal"]),
    ("qianjin", "钱进", "总部", ["ceo"]),
)


def seed_people() -> bool:
    """Create the demo teams and users; False if people already exist."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        return False
    teams: dict[str, Team] = {}
    for name, level, parent in TEAMS:
        parent_id = teams[parent].id if parent else None
        teams[name] = services.save_team(None, name=name, level=level, parent_id=parent_id)
        db.session.flush()
    for username, name, team, roles in USERS:
        services.save_user(None, username=username, name=name, email=f"{username}@example.cn",
                           team_id=teams[team].id, roles=roles, password=DEMO_PASSWORD)
    return True


def demo_logins() -> dict:
    """What the login page shows in demo mode: the password and each demo user's roles."""
    names = [u[0] for u in USERS]
    users = db.session.scalars(select(User).where(User.username.in_(names), User.active)
                               .options(selectinload(User.role_rows))).all()
    order = {name: i for i, name in enumerate(names)}
    users = sorted(users, key=lambda u: order[u.username])
    return {"password": DEMO_PASSWORD, "users": users}

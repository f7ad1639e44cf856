"""Password policy (A2): at least 8 characters with letters and digits, not the unit number,
not the initial password. Returns every fault at once so the form can show them together."""
import re

MIN_LENGTH = 8


def password_problems(password: str, login: str = "", initial: str | None = None) -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"密码长度不能少于{MIN_LENGTH}位")
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        problems.append("密码必须同时包含字母和数字")
    if login and login.lower() in password.lower():
        problems.append("密码不能包含单位编号或用户名")
    if initial is not None and password == initial:
        problems.append("新密码不能与初始密码相同")
    return problems

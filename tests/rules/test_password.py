from rules.password import password_problems


def test_strong_password_passes():
    assert password_problems("Shebao2026x", login="37010000003", initial="888888") == []


def test_short_password():
    assert "密码长度不能少于8位" in password_problems("ab1")


def test_letters_and_digits_required():
    assert "密码必须同时包含字母和数字" in password_problems("abcdefghij")
    assert "密码必须同时包含字母和数字" in password_problems("1234567890")


def test_unit_number_refused():
    assert "密码不能包含单位编号或用户名" in password_problems("a37010000003", login="37010000003")


def test_initial_password_refused():
    assert "新密码不能与初始密码相同" in password_problems("Init1234", initial="Init1234")


def test_every_problem_reported_at_once():
    assert len(password_problems("370100", login="370100", initial="370100")) == 4

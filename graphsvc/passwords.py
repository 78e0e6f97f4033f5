"""The password rule of the workbench's accounts, said in Chinese.

A password must be at least :data:`MIN_LENGTH` characters, not digits alone, and not easy
to guess: zxcvbn (Dropbox's strength estimator: common passwords, dictionary words, keyboard
walks, sequences, repeats, dates, leet spellings) must rate it at least :data:`MIN_SCORE`
of 4, that is at least 10⁸ guesses. The user's name and the pinyin words Chinese passwords
are most often built from (surnames, ``woaini``, ``5201314``) count as dictionary words.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

__all__ = ["MIN_LENGTH", "MIN_SCORE", "password_problem"]

MIN_LENGTH = 10
MIN_SCORE = 3
_LONGEST_CHECKED = 100  # characters: the estimator's time grows with the length

# What Chinese passwords are most often made of, beyond zxcvbn's English lists.
_COMMON_CHINESE = (  # noqa: SIM905 (a list of words reads best as words)
    "woaini aini iloveyou 5201314 1314 520 521 woaiwojia zhongguo beijing shanghai qwerty "
    "admin graphsvc zuzhibu ganbu mima "
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo "
    "zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan cai jiang "
    "yu du ye cheng wei su lv ding ren shen yao lu jia jin fu fan fang shi qian kong bai cui "
    "kang mao qiu qin gu hou shao meng long wan duan lei hao xiong yin qiao wen"
).split()

# What zxcvbn found, as the reader is told it.
_PATTERNS = {
    "dictionary": "常见密码、常用单词、人名或拼音",
    "spatial": "键盘上相邻的按键",
    "repeat": "重复的字符",
    "sequence": "连续的字母或数字",
    "date": "日期",
    "regex": "年份",
}


def password_problem(password: str, *, user: str = "") -> str | None:
    """Why ``password`` may not be used (in Chinese), or ``None`` when it may."""
    if len(password) < MIN_LENGTH:
        return f"密码至少{MIN_LENGTH}个字符"
    if password.isdigit():
        return "密码不能全是数字"
    result = zxcvbn(password[:_LONGEST_CHECKED], user_inputs=[user, *_COMMON_CHINESE])
    if result["score"] >= MIN_SCORE:
        return None
    found = list(
        dict.fromkeys(
            _PATTERNS[match["pattern"]]
            for match in result["sequence"]
            if match["pattern"] in _PATTERNS
        )
    )
    what = f"（其中有{'、'.join(found)}）" if found else ""
    return f"密码太容易被猜到{what}：请换一个更长、更不规则的密码，例如几个不相关的词加上数字和符号"

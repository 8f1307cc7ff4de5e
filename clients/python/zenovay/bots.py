"""is_bot(): the server's bot rules, generated from its one source (see _bot_patterns.py).

The server runs JavaScript regexes over UTF-16 text. To judge alike, the agent is first mapped to
an ASCII string with markers (the generator explains why): ASCII stays, U+2028/U+2029 become
\\x82, other JavaScript whitespace \\x81, and every other UTF-16 unit \\x80.
"""

import re

from ._bot_patterns import PATTERNS

_COMBINED = re.compile('|'.join('(?:%s)' % p for p in PATTERNS), re.IGNORECASE | re.ASCII)
_BLANK = re.compile('[\t\n\x0b\x0c\r \x81\x82]*\\Z')
_NON_ASCII = re.compile('[^\x00-\x7f]')
_JS_SPACES = frozenset(
    [0xA0, 0x1680, 0x202F, 0x205F, 0x3000, 0xFEFF] + list(range(0x2000, 0x200B))
)


def _marker(match):
    code = ord(match.group(0))
    if code in (0x2028, 0x2029):
        return '\x82'
    if code in _JS_SPACES:
        return '\x81'
    return '\x80\x80' if code > 0xFFFF else '\x80'


def js_equivalent(user_agent):
    """The agent as the patterns see it: same verdicts as JavaScript on the original text."""
    return _NON_ASCII.sub(_marker, user_agent)


def is_bot(user_agent):
    """True when the server would refuse this agent as a bot (BOT_DETECTED). Blank counts as a bot."""
    agent = js_equivalent(user_agent if isinstance(user_agent, str) else '')
    return _BLANK.match(agent) is not None or _COMBINED.search(agent) is not None

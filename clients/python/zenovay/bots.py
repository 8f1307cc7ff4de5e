"""is_bot(): the server's bot rules, generated from its one source (see _bot_patterns.py).

The server runs JavaScript regexes over UTF-16 text. To judge alike, the agent is first mapped to
an ASCII string with markers (the generator explains why): ASCII stays, U+2028/U+2029 become
\\x82, other JavaScript whitespace \\x81, and every other UTF-16 unit \\x80.
"""

import re

from . import _bot_patterns as _rules

_FLAGS = re.IGNORECASE | re.ASCII


def _any_of(sources):
    patterns = tuple(re.compile(p, _FLAGS) for p in sources)
    return lambda text: any(p.search(text) is not None for p in patterns)


_HEADLESS = _any_of(_rules.HEADLESS)
_BROWSER_SHAPE = re.compile(_rules.BROWSER_SHAPE, _FLAGS)
_DEVICE_MODEL = re.compile(_rules.DEVICE_MODEL, _FLAGS)
_BROWSER = _any_of(_rules.BROWSER)
_NAMED = _any_of(_rules.NAMED)
_CONTACT = re.compile(_rules.CONTACT, _FLAGS)
_SELF_NAMED = _any_of(_rules.SELF_NAMED)
_CLIENT = _any_of(_rules.CLIENT)
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
    """True when the server would refuse this agent as a bot (BOT_DETECTED). Blank counts as a bot.

    The same steps as the server (packages/server/src/ingest/bot-filter.ts): headless browsers;
    browser-shaped agents by the lists with the device model blanked; other agents by the names
    the lists give, then, with contact URLs removed, by a self-given bot name or a client library.
    """
    agent = js_equivalent(user_agent if isinstance(user_agent, str) else '')
    if _BLANK.match(agent) is not None or _HEADLESS(agent):
        return True
    if _BROWSER_SHAPE.search(agent) is not None:
        return _BROWSER(_DEVICE_MODEL.sub(r'\1-', agent))
    if _NAMED(agent):
        return True
    names = _CONTACT.sub(' ', agent)
    return _SELF_NAMED(names) or _CLIENT(names)

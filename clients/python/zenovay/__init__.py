"""Zenovay server-side tracking for Python: standard library only, Python >= 3.9."""

from ._version import __version__
from .bots import is_bot
from .client import Client, server_defaults
from .delivery import Pending, TrackResult
from .retry import backoff_delay, parse_retry_after

__all__ = [
    'Client',
    'Pending',
    'TrackResult',
    '__version__',
    'backoff_delay',
    'is_bot',
    'parse_retry_after',
    'server_defaults',
]

"""What signing tells the areas above it, which it must not import.

Counting keeps a cache of each petition's public numbers (counting/public.py) and has to drop
it when a confirmation or a withdrawal commits; signing sits below counting, so instead of
calling it, it sends a signal that counting subscribes to (blinker, as Flask's own signals).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: Sent after a commit that changed a petition's count (a confirmation or a withdrawal), with
#: the Flask app as sender and ``slug=`` the petition's slug. Receivers run in the request (or
#: CLI) that committed, before it answers, so the next read of the count is fresh.
count_changed = _signals.signal("count-changed")

"""The Redis keys of one replicated hotline, and the scripts that write them.

Every key of a hotline shares the hash tag ``{name}``, so that on a Redis Cluster
they live in one slot and each script below runs on one node, atomically.

Every write of the leader is one of the fenced scripts: it first compares the
fencing token the leader got when it took the lease with the current one, and
refuses (``FENCED``) when another node has taken over since. A paused leader that
wakes up past its lease can therefore change nothing.
"""

from __future__ import annotations

import attrs

__all__ = ["RECORDS", "Keys"]

RECORDS = "records"
"""The output stream of the host: contact records and ticket events."""


@attrs.frozen
class Keys:
    """The keys of the hotline named ``name`` (see the module's docstring)."""

    name: str

    def key(self, what: str) -> str:
        """The key ``what`` of this hotline."""
        return f"callcenter:{{{self.name}}}:{what}"

    @property
    def log(self) -> str:
        """The input log (a stream)."""
        return self.key("log")

    @property
    def lease(self) -> str:
        """The leader's lease: its node id, expiring (``PX``)."""
        return self.key("lease")

    @property
    def fence(self) -> str:
        """The fencing token: incremented by every takeover."""
        return self.key("fence")

    @property
    def applied(self) -> str:
        """The log id of the last entry whose outputs are published."""
        return self.key("applied")

    @property
    def snapshot(self) -> str:
        """The latest snapshot (a hash: ``id``, ``t``, ``owners``, ``hotline``)."""
        return self.key("snapshot")

    def seen(self, key: str) -> str:
        """The log id of the entry appended with idempotency key ``key``."""
        return self.key(f"seen:{key}")

    def outputs(self, adapter: str) -> str:
        """The output stream of ``adapter``."""
        return self.key(f"out:{adapter}")


# Append an input unless its idempotency key was seen: KEYS log, seen; ARGV ttl, fields.
APPEND = """
local got = redis.call('GET', KEYS[2])
if got then return got end
local id = redis.call('XADD', KEYS[1], '*', unpack(ARGV, 2))
redis.call('SET', KEYS[2], id, 'EX', ARGV[1])
return id
"""

# Take the lease if free; the new fencing token, or 0. KEYS lease, fence; ARGV node, ttl.
TAKE = """
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
"""

_GUARD = """
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED the lease was taken over')
end
"""

# KEYS fence, lease; ARGV token, node, ttl.
RENEW = (
    _GUARD
    + """
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
return 1
"""
)

# KEYS fence, applied, streams...; ARGV token, applied id, then (stream index, cause,
# n, output) for each output.
PUBLISH = (
    _GUARD
    + """
for i = 3, #ARGV, 4 do
  redis.call('XADD', KEYS[tonumber(ARGV[i])], '*',
             'cause', ARGV[i + 1], 'n', ARGV[i + 2], 'o', ARGV[i + 3])
end
redis.call('SET', KEYS[2], ARGV[2])
return 1
"""
)

# KEYS fence, log; ARGV token, fields.
TICK = (
    _GUARD
    + """
return redis.call('XADD', KEYS[2], '*', unpack(ARGV, 2))
"""
)

# KEYS fence, snapshot, log; ARGV token, id, t, owners, hotline.
SNAPSHOT = (
    _GUARD
    + """
redis.call('HSET', KEYS[2], 'id', ARGV[2], 't', ARGV[3], 'owners', ARGV[4], 'hotline', ARGV[5])
redis.call('XTRIM', KEYS[3], 'MINID', ARGV[2])
return 1
"""
)

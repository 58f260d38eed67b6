"""Address pools: first-fit over free space, as NetBox does it, plus quarantine.

free = IPSet(pool) - IPSet(allocated) - IPSet(quarantined, still inside policy)
A request for many prefixes is checked to fit as a whole before any is taken,
so a pool that is too small fails with "needed vs available" and takes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from netaddr import IPAddress, IPNetwork, IPSet, iprange_to_cidrs


# The state holds addresses as text; a run parses the same few thousand of them many times.
@lru_cache(maxsize=1 << 16)
def parse_network(text: str) -> IPNetwork:
    return IPNetwork(text)


@lru_cache(maxsize=1 << 16)
def parse_address(text: str) -> IPAddress:
    return IPAddress(text)


class PoolExhausted(Exception):
    def __init__(self, pool: IPNetwork, prefixlen: int, needed: int, available: int) -> None:
        super().__init__(f"{pool} has room for {available} more /{prefixlen}, {needed} are needed")
        self.pool = pool
        self.prefixlen = prefixlen
        self.needed = needed
        self.available = available


class Pool:
    def __init__(self, pool: IPNetwork, used: Iterable[IPNetwork | str] = ()) -> None:
        self.pool = IPNetwork(pool)
        self.free = IPSet([self.pool]) - IPSet(used)

    def available(self, prefixlen: int) -> int:
        """How many aligned /prefixlen blocks the free space holds."""
        return sum(
            1 << (prefixlen - block.prefixlen)
            for block in self.free.iter_cidrs()
            if block.prefixlen <= prefixlen
        )

    def take_many(self, prefixlen: int, count: int) -> list[IPNetwork]:
        """`count` lowest free /prefixlen blocks, or PoolExhausted without taking any."""
        if count <= 0:
            return []
        available = self.available(prefixlen)
        if available < count:
            raise PoolExhausted(self.pool, prefixlen, count, available)
        step = 1 << (32 - prefixlen)
        taken: list[IPNetwork] = []
        spans = []
        # iter_cidrs is sorted by address: walking it in order is first fit. Integer
        # arithmetic inside each free block: IPNetwork.subnet() is slow for thousands.
        for block in self.free.iter_cidrs():
            if block.prefixlen > prefixlen:
                continue
            fits = min(block.size // step, count - len(taken))
            taken.extend(IPNetwork((block.first + index * step, prefixlen)) for index in range(fits))
            spans.append((block.first, block.first + fits * step - 1))
            if len(taken) == count:
                break
        self.free -= IPSet(
            cidr for first, last in spans for cidr in iprange_to_cidrs(IPAddress(first), IPAddress(last))
        )
        return taken

"""Finding people by name, date of birth or NHS number with no plain text on disk.

Names and dates of birth are decrypted once, after unlock, into this in-memory index;
the store keeps it current on every committed write and drops it on lock. NHS numbers
are looked up exactly through the blind index column instead (a keyed hash), so that
search works even for a number typed before the index is built.

Name search is by prefix of any name part, so "alp test" finds "Testperson Alpha".
Parts are folded (case, accents) so "Zoe" finds "Zoë".
"""

from __future__ import annotations

import bisect
import heapq
import re
import threading
import unicodedata
from dataclasses import dataclass
from datetime import date

_SPLIT = re.compile(r"[\s\-'’.,]+")
_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})$"),
)


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name part."""
    if text.isascii():  # most names: no accents to strip (and 20 times faster at unlock)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def name_tokens(*parts: str | None) -> set[str]:
    tokens: set[str] = set()
    for part in parts:
        if not part:
            continue
        folded = fold(part)
        tokens.update(t for t in _SPLIT.split(folded) if t)
        squashed = _SPLIT.sub("", folded)
        if squashed:
            tokens.add(squashed)  # "O'Neil" is found by "oneil" as well as "o" and "neil"
    return tokens


def date_parts(text: str) -> tuple[int, int, int] | None:
    """(day, month, year) as typed in one of the accepted layouts, whether or not that day exists
    (31/02/1990 gives (31, 2, 1990)); None when `text` is laid out as no date at all."""
    for pattern in _DATE_FORMATS:
        match = pattern.match(text.strip())
        if match:
            return int(match["d"]), int(match["m"]), int(match["y"])
    return None


def parse_date(text: str) -> str | None:
    """A typed date of birth as YYYY-MM-DD, or None if `text` is not a date."""
    parts = date_parts(text)
    if parts is None:
        return None
    day, month, year = parts
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


@dataclass(frozen=True)
class PersonHit:
    """What a search result list shows; enough to tell two people apart."""

    id: str
    given_name: str
    family_name: str
    date_of_birth: str
    nhs_number: str | None


class PeopleIndex:
    """Sorted (token, id) pairs for prefix search, plus a date-of-birth map. Thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._pairs: list[tuple[str, str]] = []
        self._people: dict[str, PersonHit] = {}
        self._tokens: dict[str, set[str]] = {}
        self._by_dob: dict[str, set[str]] = {}
        self._order: dict[str, tuple[str, str, str, str]] = {}  # result order, computed once per person
        self.unreadable: list[str] = []  # ids whose record failed to decrypt when the index was built

    def __len__(self) -> int:
        return len(self._people)

    def bulk_load(self, hits: list[PersonHit]) -> None:
        with self._lock:
            pairs: list[tuple[str, str]] = []
            for hit in hits:
                tokens = name_tokens(hit.given_name, hit.family_name)
                self._people[hit.id] = hit
                self._tokens[hit.id] = tokens
                self._order[hit.id] = _order_key(hit)
                self._by_dob.setdefault(hit.date_of_birth, set()).add(hit.id)
                pairs.extend((t, hit.id) for t in tokens)
            self._pairs.extend(pairs)
            self._pairs.sort()

    def put(self, hit: PersonHit) -> None:
        with self._lock:
            self.remove(hit.id)
            tokens = name_tokens(hit.given_name, hit.family_name)
            self._people[hit.id] = hit
            self._tokens[hit.id] = tokens
            self._order[hit.id] = _order_key(hit)
            self._by_dob.setdefault(hit.date_of_birth, set()).add(hit.id)
            for token in tokens:
                bisect.insort(self._pairs, (token, hit.id))

    def remove(self, person_id: str) -> None:
        with self._lock:
            old = self._people.pop(person_id, None)
            if old is None:
                return
            self._order.pop(person_id, None)
            for token in self._tokens.pop(person_id, set()):
                i = bisect.bisect_left(self._pairs, (token, person_id))
                if i < len(self._pairs) and self._pairs[i] == (token, person_id):
                    del self._pairs[i]
            ids = self._by_dob.get(old.date_of_birth)
            if ids:
                ids.discard(person_id)

    def get(self, person_id: str) -> PersonHit | None:
        return self._people.get(person_id)

    def clear(self) -> None:
        with self._lock:
            self._pairs.clear()
            self._people.clear()
            self._tokens.clear()
            self._by_dob.clear()
            self._order.clear()
            self.unreadable.clear()

    def _prefix_ids(self, prefix: str) -> set[str]:
        start = bisect.bisect_left(self._pairs, (prefix, ""))
        found: set[str] = set()
        for token, person_id in self._pairs[start:]:
            if not token.startswith(prefix):
                break
            found.add(person_id)
        return found

    def search(self, query: str, *, limit: int = 50) -> list[PersonHit]:
        """People matching every word of `query` (name prefixes and/or a date of birth)."""
        return self.search_page(query, 0, limit)[0]

    def search_page(self, query: str, offset: int, limit: int) -> tuple[list[PersonHit], int]:
        """Results `offset` to `offset + limit` in list order, and how many people match in all, so a
        list can say the true number and load the rest as the worker scrolls."""
        with self._lock:
            candidates = self._matching(query)
            if offset < 0 or limit <= 0 or offset >= len(candidates):
                return [], len(candidates)
            order = self._order
            best = heapq.nsmallest(offset + limit, candidates, key=order.__getitem__)[offset:]
            return [self._people[i] for i in best], len(candidates)

    def match_ids(self, query: str) -> set[str]:
        """Ids of everyone `query` matches (for filtering another list by person)."""
        with self._lock:
            return set(self._matching(query))

    def _matching(self, query: str) -> set[str]:
        words = [w for w in query.split() if w]
        name_words: list[str] = []
        dob: str | None = None
        for word in words:
            as_date = parse_date(word)
            if as_date is not None:
                dob = as_date
            else:
                name_words.extend(t for t in _SPLIT.split(fold(word)) if t)
        if not name_words and dob is None:
            return set()
        candidates: set[str] | None = None
        if dob is not None:
            candidates = set(self._by_dob.get(dob, set()))
        # the rarest (longest) words first, so the intersection shrinks quickly
        for word in sorted(name_words, key=len, reverse=True):
            ids = self._prefix_ids(word)
            candidates = ids if candidates is None else candidates & ids
            if not candidates:
                return set()
        return candidates or set()


def _order_key(hit: PersonHit) -> tuple[str, str, str, str]:
    return (fold(hit.family_name), fold(hit.given_name), hit.date_of_birth, hit.id)

"""OParl 1.x council information systems: bodies → organizations → meetings.

An OParl endpoint is JSON with paginated lists ({"data": [...], "links": {"next"}}).
We walk from the System (or a Body) to the organizations whose name matches the
source's `organization` filter (e.g. Integrationsrat), then to their meetings.
Each meeting becomes a record (date, time, place, organisation, agenda) and its
minutes become files to fetch and import as articles.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..errors import InputError
from .sitemaps import Item

log = logging.getLogger(__name__)

MAX_LIST_PAGES = 200  # a guard against `next` links that never end


@dataclass
class Meeting:
    id: str
    name: str
    organisation: str
    date: str | None
    date_end: str | None
    time: str | None
    place: str | None
    venue: str | None
    agenda: list[str] = field(default_factory=list)
    files: list[Item] = field(default_factory=list)
    cancelled: bool = False

    def text(self) -> str:
        """A readable record of the meeting: what is stored as its article text."""
        lines = [self.name, f"{self.organisation}"]
        when = " ".join(x for x in (self.date, self.time and f"{self.time} Uhr") if x)
        if when:
            lines.append(f"Sitzung am {when}")
        where = ", ".join(x for x in (self.venue, self.place) if x)
        if where:
            lines.append(f"Ort: {where}")
        if self.agenda:
            lines.append("Tagesordnung:")
            lines.extend(self.agenda)
        return "\n".join(lines)

    def event(self) -> dict:
        return {
            "type": "Sitzung", "title": self.name, "date": self.date, "date_end": self.date_end,
            "time": self.time, "place": self.place, "venue": self.venue, "organisers": [self.organisation],
        }


GetJson = Callable[[str], dict]


def meetings(get_json: GetJson, url: str, organization: str | None, files: str = "minutes") -> Iterator[Meeting]:
    """Meetings of the matching organizations under the System or Body at `url`."""
    pattern = re.compile(organization, re.IGNORECASE) if organization else None
    root = get_json(url)
    kind = _type(root)
    if kind == "System":
        bodies = _list(get_json, root.get("body"))
    elif kind == "Body":
        bodies = iter([root])
    elif isinstance(root.get("data"), list):
        bodies = _list(get_json, url, first=root)
    else:
        raise InputError(f"{url}: not an OParl System, Body or body list")
    for body in bodies:
        for org in _list(get_json, body.get("organization")):
            if org.get("deleted") or not isinstance(org.get("name"), str):
                continue
            if pattern and not pattern.search(org["name"]) and not pattern.search(org.get("shortName") or ""):
                continue
            source = org.get("meeting") or body.get("meeting")
            for meeting in _list(get_json, source):
                if meeting.get("deleted"):
                    continue
                if not org.get("meeting") and org.get("id") not in (meeting.get("organization") or []):
                    continue  # the body's meeting list: keep only this organization's
                yield _meeting(get_json, meeting, org["name"], files)


def _meeting(get_json: GetJson, data: dict, organisation: str, files: str) -> Meeting:
    start, end = data.get("start") or "", data.get("end") or ""
    location = data.get("location")
    if isinstance(location, str):
        try:
            location = get_json(location)
        except InputError as error:
            log.warning("%s", error)
            location = None
    location = location if isinstance(location, dict) else {}
    venue = ", ".join(x for x in (location.get("description"), location.get("room"), location.get("streetAddress")) if x)
    agenda = []
    for item in data.get("agendaItem") or []:
        if isinstance(item, dict) and item.get("name"):
            number = item.get("number")
            agenda.append(f"{number} {item['name']}" if number else item["name"])
    wanted = []
    if files != "none":
        wanted = [data.get("resultsProtocol"), data.get("verbatimProtocol")]
        if files == "all":
            wanted += [data.get("invitation")] + list(data.get("auxiliaryFile") or [])
    file_items = []
    for entry in wanted:
        if isinstance(entry, dict) and not entry.get("deleted"):
            link = entry.get("accessUrl") or entry.get("downloadUrl")
            if link:
                file_items.append(Item(url=link, title=entry.get("name") or entry.get("fileName"),
                                       published=start[:10] or None, kind="file"))
    return Meeting(
        id=data.get("id") or "", name=data.get("name") or f"Sitzung {organisation}", organisation=organisation,
        date=start[:10] or None, date_end=end[:10] if end[:10] and end[:10] != start[:10] else None,
        time=start[11:16] if len(start) >= 16 else None, place=location.get("locality"), venue=venue or None,
        agenda=agenda, files=file_items, cancelled=bool(data.get("cancelled")),
    )


def _list(get_json: GetJson, source, first: dict | None = None) -> Iterator[dict]:
    """The objects of an OParl list, following `links.next` (or a list given inline)."""
    if isinstance(source, list):
        for entry in source:
            if isinstance(entry, dict):
                yield entry
            elif isinstance(entry, str):
                yield get_json(entry)
        return
    if not isinstance(source, str):
        return
    url, seen = source, set()
    for _ in range(MAX_LIST_PAGES):
        seen.add(url)
        page = first if first is not None else get_json(url)
        first = None
        data = page.get("data")
        if not isinstance(data, list):
            raise InputError(f"{url}: not an OParl list (no data array)")
        yield from (entry for entry in data if isinstance(entry, dict))
        url = (page.get("links") or {}).get("next")
        if not url or url in seen:
            return


def _type(data: dict) -> str:
    return str(data.get("type", "")).rstrip("/").rsplit("/", 1)[-1]

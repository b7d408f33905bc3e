"""Questions staff ask of the store: who met whom, where and when; events; a person's timeline."""
from .events import list_events
from .timeline import timeline
from .who_met import who_met

__all__ = ["list_events", "timeline", "who_met"]

"""NLP: the spaCy pipeline, its components and the fields classifier."""
from .analysis import analyze, analyze_many
from .pipeline import load_nlp

__all__ = ["analyze", "analyze_many", "load_nlp"]

"""Registrations `spacy train --code` needs: the presse tokenizer."""
import presse_mining.nlp.tokenizer  # noqa: F401

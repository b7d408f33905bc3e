"""A German tokenizer for press text, registered for config.cfg.

spaCy's German rules, plus what regional press and press releases need:
hashtags and e-mail addresses stay whole, `bis17` splits, `MdL.` loses its full
stop, and a number with a full stop at a sentence end (`über 800. Die …`) is a
number and a full stop, while ordinals in dates (`17. Januar`, `17.1.`) stay.
"""
from __future__ import annotations

import re

import spacy
from spacy.lang.de import German
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc
from spacy.util import compile_infix_regex

from . import docview

_HASHTAG_OR_MAIL = re.compile(r"^(?:#[\w-]+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)$")
_NUMBER_DOT = re.compile(r"^\d[\d.]*\d\.$|^\d\.$")
_DIGIT_DOT = re.compile(r"\d\.")
# Words that begin a sentence far more often than they follow an ordinal.
_SENTENCE_STARTERS = set(
    "Der Die Das Den Dem Des Ein Eine Einen Er Sie Es Wir Ihr Ich Man Im In Am An Auf Aus Bei Mit Nach "
    "Von Vom Zum Zur Für Über Unter Auch Außerdem Dabei Damit Dann Danach Denn Doch Dort Hier Heute "
    "Jetzt Nun So Wie Was Wer Wo Zudem Zusätzlich Diese Dieser Dieses Alle Viele Mehr Weitere Seit "
    "Bis Um Als Wenn Weil Zahlen Insgesamt Gleichzeitig Außer Aber Und Oder".split()
)
_MONTHS = set(
    "Januar Jänner Februar März April Mai Juni Juli August September Oktober November Dezember "
    "Jan. Feb. Mär. Apr. Jun. Jul. Aug. Sep. Sept. Okt. Nov. Dez.".split()
)
_POST_NOMINALS = ("MdL", "MdB", "MdEP", "MdR", "e.V", "gGmbH", "GmbH")


class PresseTokenizer(Tokenizer):
    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        if not _DIGIT_DOT.search(text):   # no token can be a number with a full stop
            return doc
        # each distinct word is tested once (docview), not every token
        split_at = [i for i in docview.positions(doc, _NUMBER_DOT.match) if _ends_sentence(doc, i)]
        if not split_at:
            return doc
        words, spaces = [], []
        for i, token in enumerate(doc):
            if i in split_at:
                words += [token.text[:-1], "."]
                spaces += [False, bool(token.whitespace_)]
            else:
                words.append(token.text)
                spaces.append(bool(token.whitespace_))
        return Doc(self.vocab, words=words, spaces=spaces)


def _ends_sentence(doc: Doc, i: int) -> bool:
    digits = doc[i].text[:-1].replace(".", "")
    if i + 1 >= len(doc) or "\n" in doc[i].whitespace_ or doc[i + 1].is_space:
        return True
    following = doc[i + 1].text
    if following in _MONTHS:
        return False
    if following in _SENTENCE_STARTERS:
        return True
    # no day or ordinal of a list has more than three digits
    return len(digits) > 3 and following[:1].isupper()


@spacy.registry.tokenizers("presse_mining.tokenizer.v1")
def create_presse_tokenizer():
    def make(nlp):
        base = German.Defaults
        infixes = list(base.infixes) + [r"(?<=\bbis)(?=\d)", r"(?<=\d)(?=bis\b)"]
        tokenizer = PresseTokenizer(
            nlp.vocab,
            rules=dict(base.tokenizer_exceptions),
            prefix_search=spacy.util.compile_prefix_regex(base.prefixes).search,
            suffix_search=spacy.util.compile_suffix_regex(base.suffixes).search,
            infix_finditer=compile_infix_regex(infixes).finditer,
            token_match=_HASHTAG_OR_MAIL.match,
            url_match=base.url_match,
        )
        for word in _POST_NOMINALS:
            tokenizer.add_special_case(word + ".", [{"ORTH": word}, {"ORTH": "."}])
        return tokenizer

    return make

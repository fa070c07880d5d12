"""bitext: translate documents paragraph by paragraph with CTranslate2 and SentencePiece."""

__version__ = "0.1.0"

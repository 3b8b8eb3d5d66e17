"""All that knows the concrete syntax of ``.journey`` text: the vocabulary,
parsing, lowering, literals, comments, formatting and writing."""

"""What the documentation-site plugins (Sphinx, MkDocs) share: options,
caching and the HTML around a journey."""

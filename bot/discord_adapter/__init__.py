"""The only package that imports discord: it translates between Discord and the core, nothing more."""

"""Question packs: schema, YAML parsing, loading from files, and the bank built from them."""

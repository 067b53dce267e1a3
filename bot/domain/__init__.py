"""Plain values the core speaks in: questions, records, cards, keys. No platform types."""

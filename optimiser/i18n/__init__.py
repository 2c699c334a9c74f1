"""Language and locale: messages in English or Simplified Chinese, and reading what local tools write."""

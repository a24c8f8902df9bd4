"""普法互助家园 (the legal-aid home): a Minzi program service."""

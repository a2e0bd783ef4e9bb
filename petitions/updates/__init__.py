"""Updates to consenting signers: news of a petition (or a whole case) mailed to those who asked.

Consent is asked on the sign form and recorded by signing (signing/consent.py); this area
writes the updates, works out who they reach, queues them through the outbox at a pace, and
serves the signers' preferences and one-click unsubscribe pages.
"""

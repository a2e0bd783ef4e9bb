"""Letters and birthday wishes to a prisoner: written online, confirmed by mail, moderated."""

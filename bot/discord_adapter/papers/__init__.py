"""Papers on Discord: search and paper commands (`cog`), free-text questions in ask channels, threads and
DMs (`questions`), the server-admin commands for ask channels and the corpus (`admin`), and what they share:
embeds (`embeds`), buttons and views (`views`), autocomplete (`autocomplete`).
"""

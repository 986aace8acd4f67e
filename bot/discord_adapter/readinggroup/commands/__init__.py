"""The `/rg` commands, one module per area; `ReadingGroupCog` (`readinggroup.cog`) inherits every area.
See the `bot.discord_adapter.readinggroup` docstring for the areas and who may run what.
"""

"""Follow-up questions: what "more", "the second one", "similar to [2]" or "only ones with code" mean
after an answer, and what to reply. Pure (no Discord, no I/O), so the terminal can use it too.

A conversation shows one *list* at a time — the cited sources of an answer, a page of further results,
papers similar to one of them, or a narrowed list — numbered from 1. Numbers and ordinals ("[2]", "2",
"the second one", "the last one") always point into the list shown most recently; a paper card shown in
between does not change it. How a message is read (`interpret`):

    ""  / "help"                                    → help
    "thanks!", "ok great"                           → thanks (a short "you're welcome", not a search)
    "similar to [2]", "papers like the first one"   → similar(2), similar(1)
    "more like this", "similar ones"                → similar to the paper last opened (or the only one)
    "tell me about the second one", "what about 3?",
    "abstract of [1]", "[2]", "the last one"        → detail(n)
    "more", "next", "what else?", "show me more"     → more (the next page of the current list;
                                                      after "surprise me": another paper at random,
                                                      and "tell me more" opens the one drawn)
    "only ones with code", "from 2024", "newer ones",
    "since 2023", "only CV", "any by Hofmann?"      → refine(filters) — narrows the current list
    "how many are there?", "how many of them have
    code?", "how many in 2024?"                      → count(filters) — the current list, counted
    anything else                                   → a new question (answered, and a new list)

A filter message that names papers without narrowing them ("latest papers by Hofmann", "papers from
2024" — no "only", "just", "those", "ones", "which", "any") is a new request, not a refinement.

Every follow-up word list below is closed: a message is a follow-up only when *all* its words are
follow-up words, so "what about diffusion models?" or "papers on gpt 4" stay questions.

`respond(index, state, text)` returns the reply as data plus the new state. Discord renders the reply as
embeds; `reply_text` renders it as plain text (for channels without embed permission, and for the
terminal: `paperbot chat` can keep `state = None` and, for each line, do
`reply, state = respond(index, state, line); print(reply_text(reply))`).

The package: `state` (the conversation, its filters, the reply types and the memory), `reading`
(`interpret`: what a message means) and `replying` (`respond` and `reply_text`: what to answer).
"""

from bot.conversation.reading import interpret
from bot.conversation.replying import FOLLOW_UPS, NO_CONVERSATION, THANKS, help_reply, reply_text, respond
from bot.conversation.state import (
    PAGE_SIZE,
    AnswerReply,
    Conversation,
    ConversationMemory,
    FollowUp,
    ListReply,
    NoticeReply,
    PaperReply,
    Refinement,
    Reply,
)

__all__ = [
    "FOLLOW_UPS",
    "NO_CONVERSATION",
    "PAGE_SIZE",
    "THANKS",
    "AnswerReply",
    "Conversation",
    "ConversationMemory",
    "FollowUp",
    "ListReply",
    "NoticeReply",
    "PaperReply",
    "Refinement",
    "Reply",
    "help_reply",
    "interpret",
    "reply_text",
    "respond",
]

"""Inbound mail as plain values: pure functions, no database, no network.

One concept per module: `charsets` (decoding Japanese mail), `html_text` (HTML-only bodies),
`parsing` (`mail_parse`), `quotes` (`reply_text_extract`), `classification` (`mail_classify`,
`bounce_details`) and `answers` (`answer_choice_match`). The inbound gateway and the reply,
answer and bounce services call these; nothing here touches a model.
"""

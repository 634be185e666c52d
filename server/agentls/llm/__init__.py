"""Model providers over HTTP. Knows the wire formats; knows nothing of LSP or edits.

Code map (import the module you need; this package imports nothing, so `base` stays cheap):
    base            ChatRequest/Answer data and the `Provider` protocol
    errors          the error tree; ``str(error)`` is the message a user sees
    factory         resolve_provider (plain-data choice) and make_provider
    openai_compat   POST {base}/chat/completions, SSE (OpenAI, vLLM, llama.cpp, OpenRouter…)
    anthropic       POST {base}/v1/messages, SSE event stream
    ollama          OpenAI-compatible chat on {host}/v1, model list from /api/tags
    local*          the embedded llama.cpp model, served through openai_compat
    streaming       one streamed call: status check, SSE decoding, size bound, cut detection
    sse             incremental server-sent events parser
    retry           attempts, backoff and Retry-After, never after text was delivered
    http_errors     statuses and httpx failures to actionable errors; key scrubbing
    urls            safe display of URLs; loopback detection
    window          context windows: llama.cpp /props, Ollama /api/show, known models

Invariants: one httpx.AsyncClient per provider object; cancelling the awaiting task closes
the HTTP stream; no API key reaches a message, log or exception.
"""

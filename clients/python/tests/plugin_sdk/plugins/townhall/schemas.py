config = {
    "type": "object",
    "properties": {
        "api_url": {"type": "string", "description": "Base URL of the forum's API"},
        "api_key": {"type": "string"},
        "forum_id": {"type": "string"},
        "webhook_secret": {"type": "string"},
        "moderators": {"type": "array", "items": {"type": "string"}, "default": []},
    },
    "required": ["api_url", "api_key", "forum_id", "webhook_secret"],
}

post_message = {
    "type": "object",
    "properties": {"text": {"type": "string"}, "topic": {"type": "string", "default": "general"}},
    "required": ["text"],
}

posted = {
    "type": "object",
    "properties": {"id": {"type": "integer"}, "url": {"type": "string"}},
    "required": ["id", "url"],
}

member_joined = {
    "type": "object",
    "properties": {"username": {"type": "string"}, "name": {"type": "string"}},
}

vote_outcome = {
    "type": "object",
    "properties": {"votes": {"type": "object"}, "winner": {"type": ["string", "null"]}},
}

config = {
    "type": "object",
    "properties": {"book": {"type": "string"}, "currency": {"type": "string", "default": "EUR"}},
    "required": ["book"],
}

entry = {
    "type": "object",
    "properties": {
        "amount": {"type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$"},
        "memo": {"type": "string"},
        "due_in_days": {"type": "integer", "default": 30},
    },
    "required": ["amount"],
}

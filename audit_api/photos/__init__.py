"""Photo evidence operations: uploads (through the API or straight to storage), serving, removal."""

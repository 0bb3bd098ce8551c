"""Photo evidence as data: the Photo model, storage backends, image processing and signals."""

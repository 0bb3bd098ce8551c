"""Photo evidence: storage backends, image processing, evidence signals and the photo API."""

"""Case data: the extract format (SSD-style tables), import, and the synthetic authority."""

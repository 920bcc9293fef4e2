"""Official PDFs of the orders app, one module per document (reportlab, through the shared
building blocks of procurement.pdf)."""

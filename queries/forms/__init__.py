"""The appointment form (干部任免审批表) out of the graph: .lrmx, .lrm, HTML and PDF."""

"""Reports in, searchable passages out: loaders, chunking, embeddings, the Chroma + BM25 store and ingest.

Nothing here imports ``bot``: data walks one way, report -> passages -> index -> evidence -> verdict.
"""

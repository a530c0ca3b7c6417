"""The card reader agent: a tiny HTTP server on the counter PC, on 127.0.0.1 only.

The console page's PIN pad posts the PIN here, never to the server; the agent reads the four
basic facts from the My Number card (PC/SC through pyscard, or a simulated card) and hands them
back to the page of the configured office origin (CORS). No Django here: it runs on a counter PC
with nothing but this package and, for a real reader, the ``cardreader`` extra (pyscard).
"""

"""The My Number card's text applet (券面事項入力補助AP), over any transport. Pure: no Django.

``apdu`` builds the commands and reads status words, ``tlv`` parses the BER structure of the four
basic facts, ``reader.CardSession`` runs the sequence, ``simulator.SimulatedCard`` answers the
same commands for tests and demos. EF 00 01 (the individual number) is never selected.
"""

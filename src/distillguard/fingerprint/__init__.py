"""fingerprint"""

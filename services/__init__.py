"""Clients of external services, outside the ORM.

``sp_api`` is the only module of the addon that imports python-amazon-sp-api.
"""

"""The gateway's contracts (XSD, WSDL), shipped as package data.

Load them with :func:`importlib.resources.files("schemas")`; never by a path relative to the
working directory, so an installed gateway finds them too.
"""

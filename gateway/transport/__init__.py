"""Edges to the outside world: the national axis (``vxp``) and partner SOAP endpoints."""

"""Logistics: ports and lanes, rate book, route quotes, landed cost, shipments, pooling and lane demand."""
